-- Console sessions (docs/console.md): a signed-in person's session, kept in PostgreSQL so
-- any replica behind the load balancer serves it. Only the SHA-256 of the session token is
-- stored; the CSRF token is the session's own, checked on every form. A session ends at
-- sign-out, after `idle_seconds` without a request, or at `expires_at` at the latest.
CREATE TABLE console_sessions (
    token_hash    bytea PRIMARY KEY,
    username      text NOT NULL,
    role          text NOT NULL CHECK (role IN ('admin', 'operator', 'viewer', 'manager')),
    csrf_token    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    idle_seconds  integer NOT NULL,
    expires_at    timestamptz NOT NULL
);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);

-- Sign-ins, successful or not, for the audit trail (never the password).
CREATE TABLE console_sign_ins (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    username    text NOT NULL,
    address     text,
    outcome     text NOT NULL,
    role        text
);
CREATE INDEX console_sign_ins_at ON console_sign_ins (at);

-- Member counts of a page of groups (the control board, GET /api/v1/groups) read a group's
-- members from the index alone.
CREATE INDEX effective_memberships_group_user ON effective_memberships (group_id, user_id);
DROP INDEX effective_memberships_group;
