-- What the rollout service did and why (docs/operations.md): a group promoted, a step
-- held by its gates, a rule held after a promotion, a hold released, a promotion undone. Append-only; each
-- row is also a notification owed to the group's owners (an outbox, sent by `serve`).
CREATE TABLE rollout_events (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    kind        text NOT NULL CHECK (kind IN ('promoted', 'held', 'rule-held', 'released', 'demoted')),
    group_name  text NOT NULL,
    ring        integer NOT NULL CHECK (ring BETWEEN 1 AND 4),
    pack        text,
    rule_id     text,
    hold_id     text,                    -- the hold adjustment (rule-held, released)
    actor       text NOT NULL,
    detail      text NOT NULL,           -- the gates' results or the hold's reason, in words
    failing     text[] NOT NULL DEFAULT '{}',   -- the gates that failed (held)
    revision    bigint REFERENCES policy_revisions(revision),
    sent_at     timestamptz,
    attempts    integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error  text
);
CREATE INDEX rollout_events_group ON rollout_events (lower(group_name), at DESC);
CREATE INDEX rollout_events_unsent ON rollout_events (next_attempt_at) WHERE sent_at IS NULL;
