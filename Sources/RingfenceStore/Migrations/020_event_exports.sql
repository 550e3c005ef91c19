-- Exports of audit events to security tools (docs/exports.md): one cursor per configured
-- sink — the last event it delivered, in (received_at, host_id, event_id) order — moved
-- only after the receiver acknowledged a batch, so delivery is at least once.
CREATE TABLE export_cursors (
    sink         text PRIMARY KEY,
    received_at  timestamptz NOT NULL,
    host_id      uuid NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000',
    event_id     text NOT NULL DEFAULT '',
    exported     bigint NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Exports read events in the order they were received.
CREATE INDEX audit_events_received ON audit_events (received_at);
