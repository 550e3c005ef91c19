-- Agent service: safe concurrent creation of weekly event partitions (also when the
-- default partition already holds rows of that week), and lookups the service needs.

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
        EXECUTE format(
            'WITH moved AS (DELETE FROM audit_events_default WHERE occurred_at >= %L AND occurred_at < %L RETURNING *)
             INSERT INTO %I SELECT * FROM moved', week_start, week_end, name);
        EXECUTE format('ALTER TABLE audit_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                       name, week_start, week_end);
    ELSE
        EXECUTE format('CREATE TABLE %I PARTITION OF audit_events FOR VALUES FROM (%L) TO (%L)',
                       name, week_start, week_end);
    END IF;
    RETURN name;
END;
$$;

-- Re-enrolment of a machine finds its host.
CREATE INDEX hosts_machine_id ON hosts (machine_id) WHERE retired_at IS NULL;
