-- Tamper evidence (docs/reliability.md): the seal of each host's audit events of each UTC
-- day — their number and Merkle root, signed with the servers' Ed25519 key. A day whose
-- late events arrive after it was sealed is sealed again (version + 1); every version is
-- kept. Append-only.
CREATE TABLE event_seals (
    host_id        uuid NOT NULL,
    day            date NOT NULL,
    version        integer NOT NULL CHECK (version >= 1),
    sealed_at      timestamptz NOT NULL DEFAULT now(),
    received_until timestamptz NOT NULL,   -- covers the day's events received up to here
    event_count    integer NOT NULL,
    root           bytea NOT NULL,
    signature      bytea NOT NULL,
    public_key     bytea NOT NULL,
    PRIMARY KEY (host_id, day, version)
);
CREATE INDEX event_seals_day ON event_seals (day);
CREATE TRIGGER event_seals_append_only BEFORE UPDATE OR DELETE ON event_seals
    FOR EACH ROW EXECUTE FUNCTION ringfence_refuse_change();
