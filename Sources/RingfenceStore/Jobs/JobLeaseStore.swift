import Foundation
import Logging
import PostgresNIO

/// The leases of scheduled jobs (`job_leases`, `job_lease_history`): which replica runs
/// each job. A lease is held for `ttl` from its last renewal, by PostgreSQL's clock; an
/// expired one is taken by the next replica that asks, with a new term and a history row.
public struct JobLeaseStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "ringfence.jobs.store")) {
        self.client = client
        self.logger = logger
    }

    /// A job's lease as stored.
    public struct Lease: Sendable, Equatable {
        public var job: String
        public var holder: String
        public var term: Int64
        public var acquiredAt: Date
        public var renewedAt: Date
        public var expiresAt: Date
        /// Whether it had expired when read (by the database's clock).
        public var expired: Bool
    }

    /// One change of holder.
    public struct Handover: Sendable, Equatable {
        public var job: String
        public var term: Int64
        public var holder: String
        public var acquiredAt: Date
        public var previousHolder: String?
        /// When the previous holder's lease had expired (or was released).
        public var previousExpired: Date?
    }

    /// Takes or renews `job`'s lease for `holder`: renewed when it holds it, taken when the
    /// lease is free or expired (a new term, a history row). Returns the term held, nil
    /// when another replica holds it.
    public func acquire(job: String, holder: String, ttl: Duration) async throws -> Int64? {
        let seconds = Double(ttl.components.seconds) + Double(ttl.components.attoseconds) / 1e18
        try await client.query(
            """
            INSERT INTO job_leases (job, holder, term, expires_at) VALUES (\(job), '', 0, '-infinity')
            ON CONFLICT (job) DO NOTHING
            """, logger: logger)
        return try await client.transaction(logger: logger) { connection in
            let rows = try await connection.query(
                "SELECT holder, term, expires_at, expires_at < now() FROM job_leases WHERE job = \(job) FOR UPDATE",
                logger: logger)
            var current: (String, Int64, Date, Bool)?
            for try await row in rows.decode((String, Int64, Date, Bool).self) { current = row }
            guard let (owner, term, expiresAt, expired) = current else { return nil }
            if owner == holder {
                try await connection.query(
                    """
                    UPDATE job_leases SET renewed_at = now(), expires_at = now() + \(seconds) * interval '1 second'
                    WHERE job = \(job)
                    """, logger: logger)
                return term
            }
            guard expired else { return nil }
            try await connection.query(
                """
                UPDATE job_leases SET holder = \(holder), term = \(term + 1), acquired_at = now(), renewed_at = now(),
                       expires_at = now() + \(seconds) * interval '1 second'
                WHERE job = \(job)
                """, logger: logger)
            try await connection.query(
                """
                INSERT INTO job_lease_history (job, term, holder, previous_holder, previous_expired)
                VALUES (\(job), \(term + 1), \(holder), nullif(\(owner), ''), \(owner.isEmpty ? nil : expiresAt))
                """, logger: logger)
            return term + 1
        }
    }

    /// Gives the lease up now (at shutdown), so another replica takes it at its next try.
    public func release(job: String, holder: String) async throws {
        try await client.query(
            "UPDATE job_leases SET expires_at = now() WHERE job = \(job) AND holder = \(holder)", logger: logger)
    }

    /// Every job's lease.
    public func leases() async throws -> [Lease] {
        let rows = try await client.query(
            """
            SELECT job, holder, term, acquired_at, renewed_at, expires_at, expires_at < now()
            FROM job_leases ORDER BY job
            """, logger: logger)
        var result: [Lease] = []
        for try await (job, holder, term, acquired, renewed, expires, expired) in rows.decode(
            (String, String, Int64, Date, Date, Date, Bool).self)
        {
            result.append(
                Lease(
                    job: job, holder: holder, term: term, acquiredAt: acquired, renewedAt: renewed,
                    expiresAt: expires, expired: expired))
        }
        return result
    }

    /// A job's changes of holder, oldest first.
    public func handovers(job: String) async throws -> [Handover] {
        let rows = try await client.query(
            """
            SELECT term, holder, acquired_at, previous_holder, previous_expired FROM job_lease_history
            WHERE job = \(job) ORDER BY term
            """, logger: logger)
        var result: [Handover] = []
        for try await (term, holder, acquired, previous, expired) in rows.decode(
            (Int64, String, Date, String?, Date?).self)
        {
            result.append(
                Handover(
                    job: job, term: term, holder: holder, acquiredAt: acquired, previousHolder: previous,
                    previousExpired: expired))
        }
        return result
    }
}
