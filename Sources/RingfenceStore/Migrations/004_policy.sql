-- Policy: packs with immutable versions, assignments, append-only history, and
-- revisions of the whole policy state. Rollback publishes a new revision equal
-- to an old one; nothing here is updated in place.

CREATE TABLE policy_revisions (
    revision     bigint PRIMARY KEY,
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   text NOT NULL,
    comment      text,
    rolled_back_from bigint,                      -- the revision this one copies, for rollbacks
    state        jsonb NOT NULL,                  -- assignments and mappings in force
    state_hash   text NOT NULL
);

CREATE TABLE packs (
    name        text PRIMARY KEY,
    description text,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE pack_versions (
    pack         text NOT NULL REFERENCES packs(name),
    version      integer NOT NULL CHECK (version > 0),
    rules        jsonb NOT NULL,
    content_hash text NOT NULL,
    published_at timestamptz NOT NULL DEFAULT now(),
    published_in bigint REFERENCES policy_revisions(revision),
    PRIMARY KEY (pack, version)
);

-- The assignments in force at a revision (a copy per revision keeps history
-- simple to query and makes rollback a plain copy).
CREATE TABLE assignments (
    revision     bigint NOT NULL REFERENCES policy_revisions(revision),
    id           text NOT NULL,
    pack         text REFERENCES packs(name),
    pack_version integer,                         -- NULL = latest at that revision
    priority     integer NOT NULL,
    selector     jsonb NOT NULL,
    overrides    jsonb NOT NULL DEFAULT '{}'::jsonb,
    valid_from   timestamptz,
    valid_until  timestamptz,
    PRIMARY KEY (revision, id)
);

CREATE TABLE assignment_history (
    id            bigserial PRIMARY KEY,
    revision      bigint NOT NULL REFERENCES policy_revisions(revision),
    at            timestamptz NOT NULL DEFAULT now(),
    actor         text NOT NULL,
    assignment_id text NOT NULL,
    change        text NOT NULL CHECK (change IN ('added', 'changed', 'removed')),
    before        jsonb,
    after         jsonb
);
CREATE INDEX assignment_history_assignment ON assignment_history (assignment_id, at);

-- History and revisions are append-only: refuse UPDATE and DELETE at the database.
CREATE FUNCTION ringfence_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER assignment_history_append_only BEFORE UPDATE OR DELETE ON assignment_history
    FOR EACH ROW EXECUTE FUNCTION ringfence_refuse_change();
CREATE TRIGGER policy_revisions_append_only BEFORE UPDATE OR DELETE ON policy_revisions
    FOR EACH ROW EXECUTE FUNCTION ringfence_refuse_change();
CREATE TRIGGER pack_versions_append_only BEFORE UPDATE OR DELETE ON pack_versions
    FOR EACH ROW EXECUTE FUNCTION ringfence_refuse_change();
