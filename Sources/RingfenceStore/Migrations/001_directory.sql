-- Directory mirror: users, groups, direct memberships, roles, sync runs and
-- the history of every membership change. Written by `ringfence sync`.

CREATE TABLE sync_runs (
    id              bigserial PRIMARY KEY,
    started_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    status          text NOT NULL DEFAULT 'running'
                    CHECK (status IN ('running', 'succeeded', 'failed', 'refused', 'dry_run')),
    mode            text NOT NULL CHECK (mode IN ('full', 'incremental')),
    source          text NOT NULL,               -- LDAP URL and base DN, no credentials
    users_added     integer NOT NULL DEFAULT 0,
    users_updated   integer NOT NULL DEFAULT 0,
    users_removed   integer NOT NULL DEFAULT 0,
    groups_added    integer NOT NULL DEFAULT 0,
    groups_updated  integer NOT NULL DEFAULT 0,
    groups_removed  integer NOT NULL DEFAULT 0,
    members_added   integer NOT NULL DEFAULT 0,
    members_removed integer NOT NULL DEFAULT 0,
    high_watermark  text,                         -- greatest modifyTimestamp seen
    error           text
);

CREATE TABLE directory_users (
    id            bigserial PRIMARY KEY,
    dn            text NOT NULL,
    username      text NOT NULL,                  -- uid / sAMAccountName
    email         text,
    display_name  text,
    disabled      boolean NOT NULL DEFAULT false,
    attributes    jsonb NOT NULL DEFAULT '{}'::jsonb,
    first_seen_run bigint REFERENCES sync_runs(id),
    last_seen_run  bigint REFERENCES sync_runs(id),
    deleted_at    timestamptz,                    -- soft delete: gone from the directory
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX directory_users_dn ON directory_users (lower(dn)) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX directory_users_username ON directory_users (lower(username)) WHERE deleted_at IS NULL;

CREATE TABLE directory_groups (
    id            bigserial PRIMARY KEY,
    dn            text NOT NULL,
    name          text NOT NULL,                  -- cn
    description   text,
    owners        text[] NOT NULL DEFAULT '{}',   -- DNs of the people responsible
    first_seen_run bigint REFERENCES sync_runs(id),
    last_seen_run  bigint REFERENCES sync_runs(id),
    deleted_at    timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX directory_groups_dn ON directory_groups (lower(dn)) WHERE deleted_at IS NULL;
CREATE INDEX directory_groups_name ON directory_groups (lower(name)) WHERE deleted_at IS NULL;

-- Direct memberships only; a member is a user or a group (nesting).
CREATE TABLE group_members (
    group_id        bigint NOT NULL REFERENCES directory_groups(id),
    member_user_id  bigint REFERENCES directory_users(id),
    member_group_id bigint REFERENCES directory_groups(id),
    added_run       bigint REFERENCES sync_runs(id),
    CHECK ((member_user_id IS NULL) <> (member_group_id IS NULL))
);
CREATE UNIQUE INDEX group_members_user ON group_members (group_id, member_user_id) WHERE member_user_id IS NOT NULL;
CREATE UNIQUE INDEX group_members_group ON group_members (group_id, member_group_id) WHERE member_group_id IS NOT NULL;
CREATE INDEX group_members_by_user ON group_members (member_user_id);
CREATE INDEX group_members_by_group ON group_members (member_group_id);

-- Effective (nested) membership, flattened by the sync engine in the same
-- transaction as the direct memberships; the resolver reads this.
CREATE TABLE effective_memberships (
    user_id   bigint NOT NULL REFERENCES directory_users(id),
    group_id  bigint NOT NULL REFERENCES directory_groups(id),
    depth     integer NOT NULL,                   -- 0 = direct
    PRIMARY KEY (user_id, group_id)
);
CREATE INDEX effective_memberships_group ON effective_memberships (group_id);

CREATE TABLE user_roles (
    user_id  bigint NOT NULL REFERENCES directory_users(id),
    role     text NOT NULL,
    source   text NOT NULL,                       -- 'attribute' or 'group:<dn>'
    PRIMARY KEY (user_id, role, source)
);

-- One row per membership added or removed, per sync run. Append-only.
CREATE TABLE membership_history (
    id            bigserial PRIMARY KEY,
    sync_run_id   bigint NOT NULL REFERENCES sync_runs(id),
    at            timestamptz NOT NULL DEFAULT now(),
    change        text NOT NULL CHECK (change IN ('added', 'removed')),
    group_dn      text NOT NULL,
    member_dn     text NOT NULL,
    member_kind   text NOT NULL CHECK (member_kind IN ('user', 'group'))
);
CREATE INDEX membership_history_run ON membership_history (sync_run_id);
CREATE INDEX membership_history_member ON membership_history (lower(member_dn), at);
