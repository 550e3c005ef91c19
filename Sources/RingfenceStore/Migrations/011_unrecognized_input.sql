-- The support path for agents that change their event surface (issue 18): hook input an
-- adapter did not understand is stored as events on the `unrecognized` surface, counted
-- per agent in `ringfence fleet` (last 7 days) and the weekly report. This partial index
-- keeps that count from scanning the week's other events.
CREATE INDEX audit_events_unrecognized ON audit_events (occurred_at) WHERE surface = 'unrecognized';
