-- Identity teams map directory groups to rings and roles. A mapping names a group by
-- DN or by name; mappings whose group vanished from the directory are reported.

CREATE TABLE ring_mappings (
    id          bigserial PRIMARY KEY,
    group_ref   text NOT NULL,                    -- group DN or name
    ring        smallint NOT NULL CHECK (ring BETWEEN 1 AND 4),
    priority    integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (group_ref)
);

CREATE TABLE role_mappings (
    id          bigserial PRIMARY KEY,
    group_ref   text NOT NULL,
    role        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (group_ref, role)
);
