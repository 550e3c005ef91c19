-- One leader per scheduled job (docs/reliability.md "One leader per job"): each job that
-- `ringfence serve` runs on a schedule (directory sync, weekly reports, rollout rounds,
-- exception expiry, event seals, exports, mail outboxes) runs on the replica holding its
-- lease. A lease is taken when it has expired, renewed by its holder, and released at
-- shutdown; times are PostgreSQL's, so replicas' clocks do not matter.
CREATE TABLE job_leases (
    job          text PRIMARY KEY,
    holder       text NOT NULL,
    term         bigint NOT NULL,
    acquired_at  timestamptz NOT NULL DEFAULT now(),
    renewed_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);

-- Every change of holder, for `ringfence status` and hand-over times. Append-only.
CREATE TABLE job_lease_history (
    job              text NOT NULL,
    term             bigint NOT NULL,
    holder           text NOT NULL,
    acquired_at      timestamptz NOT NULL DEFAULT now(),
    previous_holder  text,
    previous_expired timestamptz,
    PRIMARY KEY (job, term)
);
CREATE TRIGGER job_lease_history_append_only BEFORE UPDATE OR DELETE ON job_lease_history
    FOR EACH ROW EXECUTE FUNCTION ringfence_refuse_change();
