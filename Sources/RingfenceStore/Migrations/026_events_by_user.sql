-- A person's events by time: the rollout gates (members' active days, block candidates,
-- the noisiest rule), incident exports by user and the console read a group's members'
-- events of a window through this index instead of scanning the week's partition (10
-- million events: seconds per group before, milliseconds after; docs/performance.md).
-- Built on every partition; the migration takes time in proportion to the events kept.
CREATE INDEX audit_events_user_time ON audit_events (lower(username), occurred_at);
