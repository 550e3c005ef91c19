-- Native agent configuration: the managed files FetchPolicy last served each host, per
-- agent, so heartbeats can be checked for drift (hosts.drifted_files).

CREATE TABLE served_native_files (
    host_id     uuid NOT NULL REFERENCES hosts(id),
    agent_kind  text NOT NULL,
    name        text NOT NULL,
    sha256      text NOT NULL,
    etag        text NOT NULL,
    served_at   timestamptz NOT NULL,
    PRIMARY KEY (host_id, agent_kind, name)
);

CREATE INDEX hosts_drifted ON hosts ((cardinality(drifted_files) > 0)) WHERE retired_at IS NULL;
