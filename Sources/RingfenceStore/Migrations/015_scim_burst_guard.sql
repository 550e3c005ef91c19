-- The SCIM burst guard (issue 16): what each provider removed, to count within the guard's
-- window, and the changes it held for an operator to release or discard.
CREATE TABLE scim_removals (
    id      bigserial PRIMARY KEY,
    origin  text NOT NULL,
    at      timestamptz NOT NULL DEFAULT now(),
    kind    text NOT NULL CHECK (kind IN ('users', 'groups', 'memberships')),
    n       integer NOT NULL CHECK (n > 0)
);
CREATE INDEX scim_removals_recent ON scim_removals (origin, kind, at);

CREATE TABLE scim_held (
    id           bigserial PRIMARY KEY,
    origin       text NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    method       text NOT NULL CHECK (method IN ('PUT', 'PATCH', 'DELETE')),
    resource     text NOT NULL CHECK (resource IN ('Users', 'Groups')),
    resource_id  uuid NOT NULL,
    body         text NOT NULL DEFAULT '',
    reason       text NOT NULL,
    status       text NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'released', 'discarded', 'failed')),
    decided_by   text,
    decided_at   timestamptz,
    outcome      text
);
CREATE INDEX scim_held_open ON scim_held (origin, id) WHERE status = 'held';
