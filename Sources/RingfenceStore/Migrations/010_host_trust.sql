-- Facts the server trusts, not the client (issue 17).
--
-- Repository trust is policy now (repositories.yaml, versioned with the revision): the
-- repos table keeps only what hosts report about the repositories they work in.
ALTER TABLE repos DROP COLUMN trust;

-- The users who may act on a host. An agent's request or event for a user not bound to
-- its host is refused. Bound by the enrolment token (`keys enrol-token --user`), by an
-- admin (`ringfence hosts bind`), or at this migration from the users hosts reported.
CREATE TABLE host_users (
    host_id    uuid NOT NULL REFERENCES hosts(id),
    user_name  text NOT NULL CHECK (user_name = lower(user_name)),
    bound_at   timestamptz NOT NULL DEFAULT now(),
    bound_by   text NOT NULL,
    source     text NOT NULL CHECK (source IN ('enrolment', 'admin', 'migration')),
    PRIMARY KEY (host_id, user_name)
);
INSERT INTO host_users (host_id, user_name, bound_by, source)
SELECT DISTINCT h.id, lower(u), 'migration 010', 'migration'
FROM hosts h, unnest(h.users) u WHERE h.retired_at IS NULL AND u <> ''
ON CONFLICT DO NOTHING;

-- A shared host (build machine, lab) accepts any directory user; named at enrolment
-- (`keys enrol-token --any-user`) or by an admin, and shown in the fleet.
ALTER TABLE hosts ADD COLUMN any_user boolean NOT NULL DEFAULT false;
ALTER TABLE enrollment_tokens ADD COLUMN users text[] NOT NULL DEFAULT '{}';
ALTER TABLE enrollment_tokens ADD COLUMN any_user boolean NOT NULL DEFAULT false;

-- Who changed a host's ring, tags or users, and why (installer and hook changes that
-- heartbeats report have no actor).
ALTER TABLE host_changes ADD COLUMN actor text;
ALTER TABLE host_changes ADD COLUMN comment text;

-- The key that signs the policies hosts cache (Ed25519, 32 raw bytes), one for every
-- replica: the first `ringfence serve` stores it, the others read it. Whoever can read
-- this table can already publish policy.
CREATE TABLE policy_signing_keys (
    id          smallint PRIMARY KEY CHECK (id = 1),
    private_key bytea NOT NULL CHECK (length(private_key) = 32),
    created_at  timestamptz NOT NULL DEFAULT now()
);
