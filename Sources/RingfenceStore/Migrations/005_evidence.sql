-- Evidence: stored resolutions (with trace), audit events partitioned by ISO week,
-- and generated reports. Policy changes never delete evidence.

CREATE TABLE resolutions (
    id           uuid PRIMARY KEY,
    at           timestamptz NOT NULL DEFAULT now(),
    host_id      uuid,
    username     text,
    context_hash text NOT NULL,
    etag         text NOT NULL,
    revision     bigint NOT NULL,
    ring         smallint NOT NULL,
    trace        jsonb NOT NULL
);
CREATE INDEX resolutions_host_at ON resolutions (host_id, at);

-- Verdict applied by the agent and, in level_by_ring, the level the rule would reach
-- in rings 1..4 (so reports can re-evaluate a week under another ring).
CREATE TABLE audit_events (
    occurred_at    timestamptz NOT NULL,
    host_id        uuid NOT NULL,
    event_id       text NOT NULL,
    received_at    timestamptz NOT NULL DEFAULT now(),
    username       text NOT NULL,
    agent_kind     text NOT NULL,
    agent_version  text,
    surface        text NOT NULL,
    pack           text,
    pack_version   integer,
    rule_id        text,
    repo           text,
    verdict        text NOT NULL
                   CHECK (verdict IN ('pass', 'warn', 'block', 'warn-candidate', 'block-candidate')),
    applied_level  text NOT NULL CHECK (applied_level IN ('off', 'observe', 'warn', 'block')),
    uncapped_level text NOT NULL CHECK (uncapped_level IN ('off', 'observe', 'warn', 'block')),
    level_by_ring  text[],
    policy_etag    text,
    session_id     text,
    summary        text,
    UNIQUE (host_id, event_id, occurred_at)
) PARTITION BY RANGE (occurred_at);

-- Catches events outside every weekly partition, so nothing is refused for its date.
CREATE TABLE audit_events_default PARTITION OF audit_events DEFAULT;

-- Creates the partition for the ISO week holding `at` (idempotent); returns its name.
CREATE FUNCTION ringfence_ensure_event_partition(at timestamptz) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    week_start timestamptz := date_trunc('week', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    name text := 'audit_events_' || to_char(week_start AT TIME ZONE 'UTC', 'IYYY"w"IW');
BEGIN
    IF to_regclass(name) IS NULL THEN
        EXECUTE format(
            'CREATE TABLE %I PARTITION OF audit_events FOR VALUES FROM (%L) TO (%L)',
            name, week_start, week_start + interval '7 days');
    END IF;
    RETURN name;
END;
$$;

CREATE TABLE reports (
    id          bigserial PRIMARY KEY,
    week        text NOT NULL,                    -- ISO week, e.g. 2026-W47
    group_name  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    formats     text[] NOT NULL,
    location    text NOT NULL,
    summary     jsonb NOT NULL,
    UNIQUE (week, group_name, created_at)
);
