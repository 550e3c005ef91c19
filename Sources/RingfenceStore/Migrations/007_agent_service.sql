-- Agent service: events deduplicated by (host, event id), safe concurrent creation of
-- weekly event partitions (also when the default partition already holds rows of that
-- week), and lookups the service needs.

-- A unique constraint on a partitioned table must hold the partition key, which made an
-- event resent with another occurred_at a new row. Instead, every partition gets its own
-- unique index on (host_id, event_id): the same event id from the same host is stored
-- once per ISO week of occurred_at (an agent resends an event with the time it recorded,
-- so in practice once). INSERT … ON CONFLICT DO NOTHING checks the leaf's unique indexes.
ALTER TABLE audit_events DROP CONSTRAINT audit_events_host_id_event_id_occurred_at_key;

DO $$
DECLARE
    part regclass;
BEGIN
    FOR part IN SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'audit_events'::regclass LOOP
        EXECUTE format(
            'DELETE FROM %s a USING %s b WHERE a.host_id = b.host_id AND a.event_id = b.event_id
               AND (a.received_at, a.occurred_at) > (b.received_at, b.occurred_at)', part, part);
        EXECUTE format('CREATE UNIQUE INDEX ON %s (host_id, event_id)', part);
    END LOOP;
END;
$$;

-- Creates the partition for the ISO week holding `at` (idempotent, safe to call from
-- concurrent sessions); returns its name. Rows of that week that landed in the default
-- partition are moved into the new partition in the same transaction.
CREATE OR REPLACE FUNCTION ringfence_ensure_event_partition(at timestamptz) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    week_start timestamptz := date_trunc('week', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
    week_end timestamptz := week_start + interval '7 days';
    name text := 'audit_events_' || to_char(week_start AT TIME ZONE 'UTC', 'IYYY"w"IW');
BEGIN
    IF to_regclass(name) IS NOT NULL THEN
        RETURN name;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('ringfence_event_partitions'));
    IF to_regclass(name) IS NOT NULL THEN
        RETURN name;
    END IF;
    IF EXISTS (SELECT 1 FROM audit_events_default WHERE occurred_at >= week_start AND occurred_at < week_end) THEN
        EXECUTE format('CREATE TABLE %I (LIKE audit_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', name);
        EXECUTE format('CREATE UNIQUE INDEX ON %I (host_id, event_id)', name);
        EXECUTE format(
            'WITH moved AS (DELETE FROM audit_events_default WHERE occurred_at >= %L AND occurred_at < %L RETURNING *)
             INSERT INTO %I SELECT * FROM moved', week_start, week_end, name);
        EXECUTE format('ALTER TABLE audit_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                       name, week_start, week_end);
    ELSE
        EXECUTE format('CREATE TABLE %I PARTITION OF audit_events FOR VALUES FROM (%L) TO (%L)',
                       name, week_start, week_end);
        EXECUTE format('CREATE UNIQUE INDEX ON %I (host_id, event_id)', name);
    END IF;
    RETURN name;
END;
$$;

-- Re-enrolment of a machine finds its host.
CREATE INDEX hosts_machine_id ON hosts (machine_id) WHERE retired_at IS NULL;
