-- Exception requests: a developer asks to be let through one rule in one repository for
-- a while; an approver approves (publishing an `exception` adjustment in a new policy
-- revision, in the same transaction) or denies; approved ones expire by themselves.

CREATE TABLE exception_requests (
    id             bigserial PRIMARY KEY,
    requested_at   timestamptz NOT NULL DEFAULT now(),
    requester      text NOT NULL,                 -- directory user name
    host_id        uuid REFERENCES hosts(id),
    pack           text NOT NULL,
    rule_id        text NOT NULL,
    repo           text NOT NULL,
    justification  text NOT NULL CHECK (length(justification) BETWEEN 10 AND 2000),
    duration_seconds integer NOT NULL CHECK (duration_seconds BETWEEN 300 AND 2592000),
    status         text NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'approved', 'denied', 'expired')),
    decided_by     text,
    decided_at     timestamptz,
    decision_comment text,
    revision       bigint REFERENCES policy_revisions(revision),   -- published the exception
    valid_until    timestamptz,
    expired_revision bigint REFERENCES policy_revisions(revision)  -- removed it
);
CREATE INDEX exception_requests_open ON exception_requests (status, requested_at)
    WHERE status IN ('pending', 'approved');
-- One open request per person, rule and repository.
CREATE UNIQUE INDEX exception_requests_one_pending ON exception_requests (lower(requester), pack, rule_id, repo)
    WHERE status = 'pending';

-- Mails owed about requests (an outbox): written in the transaction that makes, decides
-- or expires a request, sent by `serve` with retries, marked when the relay accepted.
CREATE TABLE exception_notifications (
    id          bigserial PRIMARY KEY,
    request_id  bigint NOT NULL REFERENCES exception_requests(id),
    event       text NOT NULL CHECK (event IN ('requested', 'approved', 'denied', 'expired')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz,
    attempts    integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error  text
);
CREATE INDEX exception_notifications_unsent ON exception_notifications (next_attempt_at) WHERE sent_at IS NULL;
