-- Daily rollups of audit events, so that reports and impact previews read aggregates whose
-- size follows the fleet's diversity (people × hosts × repositories × rules × verdicts per
-- day), not the number of events. Raw events stay in audit_events for evidence, exports
-- and retention; rollups are kept when a raw week is dropped.
--
-- One row per UTC day and everything a report groups by. `agent_version` and `detail` (the
-- event's summary, which names the hook input that was not understood) are kept only for
-- the `unrecognized` surface, '' elsewhere; absent pack, rule and repository are ''.
-- `example` is the smallest summary of the row's events (a report's example of a rule).
CREATE TABLE event_rollups (
    day           date NOT NULL,
    host_id       uuid NOT NULL,
    username      text NOT NULL,
    agent_kind    text NOT NULL,
    agent_version text NOT NULL,
    surface       text NOT NULL,
    pack          text NOT NULL,
    rule_id       text NOT NULL,
    repo          text NOT NULL,
    verdict       text NOT NULL,
    detail        text NOT NULL,
    events        bigint NOT NULL CHECK (events > 0),
    example       text,
    PRIMARY KEY (day, host_id, username, agent_kind, agent_version, surface, pack, rule_id, repo, verdict, detail)
);

-- One group's report (and the console) reads its members' rows.
CREATE INDEX event_rollups_user_day ON event_rollups (lower(username), day);

-- Maintained by the statement that inserts the events, in its transaction: whoever writes
-- (the agent service, a COPY, a restore) keeps the rollups exact, and a batch that rolls
-- back leaves them untouched. The transition table holds only rows really inserted, so a
-- resent event (ON CONFLICT DO NOTHING) is not counted twice. Rows are upserted in key
-- order; the key starts with the day and the host, so batches of different hosts never
-- wait for each other.
CREATE FUNCTION ringfence_roll_up_events() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO event_rollups AS r (day, host_id, username, agent_kind, agent_version, surface, pack, rule_id, repo,
                                    verdict, detail, events, example)
    SELECT (occurred_at AT TIME ZONE 'UTC')::date, host_id, username, agent_kind,
           CASE WHEN surface = 'unrecognized' THEN coalesce(agent_version, '') ELSE '' END,
           surface, coalesce(pack, ''), coalesce(rule_id, ''), coalesce(repo, ''), verdict,
           CASE WHEN surface = 'unrecognized' THEN coalesce(summary, '') ELSE '' END,
           count(*), min(summary)
    FROM new_events
    GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
    ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
    ON CONFLICT (day, host_id, username, agent_kind, agent_version, surface, pack, rule_id, repo, verdict, detail)
    DO UPDATE SET events = r.events + excluded.events, example = least(r.example, excluded.example);
    RETURN NULL;
END;
$$;

-- No insert may commit between the backfill below and the trigger: the lock waits for
-- writers in flight and holds new ones until this migration commits.
LOCK TABLE audit_events IN SHARE ROW EXCLUSIVE MODE;

-- Raw events in the shape of a rollup row (one event each): what the backfill below and the
-- ragged edges of ringfence_event_counts read.
CREATE VIEW audit_events_as_rollups AS
SELECT occurred_at, (occurred_at AT TIME ZONE 'UTC')::date AS day, host_id, username, agent_kind,
       CASE WHEN surface = 'unrecognized' THEN coalesce(agent_version, '') ELSE '' END AS agent_version,
       surface, coalesce(pack, '') AS pack, coalesce(rule_id, '') AS rule_id, coalesce(repo, '') AS repo, verdict,
       CASE WHEN surface = 'unrecognized' THEN coalesce(summary, '') ELSE '' END AS detail,
       1::bigint AS events, summary AS example
FROM audit_events;

INSERT INTO event_rollups (day, host_id, username, agent_kind, agent_version, surface, pack, rule_id, repo, verdict,
                           detail, events, example)
SELECT day, host_id, username, agent_kind, agent_version, surface, pack, rule_id, repo, verdict, detail, count(*),
       min(example)
FROM audit_events_as_rollups
GROUP BY day, host_id, username, agent_kind, agent_version, surface, pack, rule_id, repo, verdict, detail;

CREATE TRIGGER audit_events_roll_up AFTER INSERT ON audit_events
REFERENCING NEW TABLE AS new_events
FOR EACH STATEMENT EXECUTE FUNCTION ringfence_roll_up_events();

-- Midnight UTC at or after / at or before a moment.
CREATE FUNCTION ringfence_midnight_after(at timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE AS $$ SELECT to_timestamp(ceil(extract(epoch FROM at) / 86400) * 86400) $$;
CREATE FUNCTION ringfence_midnight_before(at timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE AS $$ SELECT to_timestamp(floor(extract(epoch FROM at) / 86400) * 86400) $$;

-- The event counts of [from_at, until_at) in the shape of event_rollups: the UTC days that
-- lie wholly inside the window come from the rollups, the ragged edges (a window that does
-- not start or end at midnight UTC) from the raw events, each edge a range of its own so
-- an index on occurred_at serves it. A plain SQL function, inlined by the planner, so the
-- caller's filters reach every branch.
CREATE FUNCTION ringfence_event_counts(from_at timestamptz, until_at timestamptz)
RETURNS TABLE (day date, host_id uuid, username text, agent_kind text, agent_version text, surface text, pack text,
               rule_id text, repo text, verdict text, detail text, events bigint, example text)
LANGUAGE sql STABLE AS $$
    SELECT r.day, r.host_id, r.username, r.agent_kind, r.agent_version, r.surface, r.pack, r.rule_id, r.repo, r.verdict,
           r.detail, r.events, r.example
    FROM event_rollups r
    WHERE r.day >= (ringfence_midnight_after(from_at) AT TIME ZONE 'UTC')::date
      AND r.day < (ringfence_midnight_before(until_at) AT TIME ZONE 'UTC')::date
    UNION ALL
    SELECT e.day, e.host_id, e.username, e.agent_kind, e.agent_version, e.surface, e.pack, e.rule_id, e.repo, e.verdict,
           e.detail, e.events, e.example
    FROM audit_events_as_rollups e
    WHERE e.occurred_at >= from_at AND e.occurred_at < least(ringfence_midnight_after(from_at), until_at)
    UNION ALL
    SELECT e.day, e.host_id, e.username, e.agent_kind, e.agent_version, e.surface, e.pack, e.rule_id, e.repo, e.verdict,
           e.detail, e.events, e.example
    FROM audit_events_as_rollups e
    WHERE e.occurred_at >= greatest(ringfence_midnight_before(until_at), ringfence_midnight_after(from_at))
      AND e.occurred_at < until_at
$$;

-- The raw edges above are ranges of occurred_at; events arrive roughly in time order, so a
-- block-range index serves them for a few kilobytes per week.
CREATE INDEX audit_events_occurred ON audit_events USING brin (occurred_at);
