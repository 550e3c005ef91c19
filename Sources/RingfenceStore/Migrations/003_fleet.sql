-- Fleet: enrolled hosts, what runs on them, and their API keys.

CREATE TABLE enrollment_tokens (
    id           bigserial PRIMARY KEY,
    token_hash   bytea NOT NULL UNIQUE,           -- SHA-256 of the token; the token is shown once
    ring         smallint CHECK (ring BETWEEN 1 AND 4),
    tags         text[] NOT NULL DEFAULT '{}',
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz,
    used_by_host uuid
);

CREATE TABLE hosts (
    id                 uuid PRIMARY KEY,
    machine_id         text NOT NULL,
    hostname           text NOT NULL,
    os                 text,
    os_version         text,
    arch               text,
    installer_version  text,
    provider           text,
    ring               smallint CHECK (ring BETWEEN 1 AND 4),   -- NULL = from users' groups
    tags               text[] NOT NULL DEFAULT '{}',
    users              text[] NOT NULL DEFAULT '{}',            -- users seen on the host
    enrolled_at        timestamptz NOT NULL DEFAULT now(),
    last_heartbeat_at  timestamptz,
    last_policy_fetch_at timestamptz,
    last_policy_etag   text,
    drifted_files      text[] NOT NULL DEFAULT '{}',
    retired_at         timestamptz
);
CREATE INDEX hosts_last_heartbeat ON hosts (last_heartbeat_at);
CREATE INDEX hosts_users ON hosts USING gin (users);

-- Changes of installer version or hook state, for the fleet history.
CREATE TABLE host_changes (
    id         bigserial PRIMARY KEY,
    host_id    uuid NOT NULL REFERENCES hosts(id),
    at         timestamptz NOT NULL DEFAULT now(),
    field      text NOT NULL,                      -- 'installer_version', 'hook_state:<agent>', ...
    old_value  text,
    new_value  text
);
CREATE INDEX host_changes_host ON host_changes (host_id, at);

CREATE TABLE host_agents (
    host_id      uuid NOT NULL REFERENCES hosts(id),
    kind         text NOT NULL,
    version      text NOT NULL,
    hook_state   text NOT NULL,
    hook_version text,
    managed_config_hash text,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (host_id, kind)
);

CREATE TABLE host_mcp_servers (
    host_id     uuid NOT NULL REFERENCES hosts(id),
    agent_kind  text NOT NULL,
    name        text NOT NULL,
    transport   text NOT NULL,
    endpoint    text NOT NULL,
    scope       text NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (host_id, agent_kind, name)
);

CREATE TABLE repos (
    id          bigserial PRIMARY KEY,
    slug        text NOT NULL UNIQUE,
    remote_url  text,
    trust       text NOT NULL DEFAULT 'internal'
                CHECK (trust IN ('sandbox', 'internal', 'production', 'unmanaged')),
    managed     boolean NOT NULL DEFAULT true,
    first_seen_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE host_repos (
    host_id    uuid NOT NULL REFERENCES hosts(id),
    repo_id    bigint NOT NULL REFERENCES repos(id),
    last_seen  timestamptz NOT NULL,
    PRIMARY KEY (host_id, repo_id)
);

CREATE TABLE api_keys (
    id          bigserial PRIMARY KEY,
    key_prefix  text NOT NULL,                    -- first characters, to find the row; not secret
    key_hash    bytea NOT NULL,                   -- SHA-256 of the whole key
    kind        text NOT NULL CHECK (kind IN ('agent', 'admin')),
    host_id     uuid REFERENCES hosts(id),        -- required for agent keys
    label       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz,
    CHECK (kind = 'admin' OR host_id IS NOT NULL)
);
CREATE UNIQUE INDEX api_keys_prefix ON api_keys (key_prefix);
CREATE INDEX api_keys_host ON api_keys (host_id);
