import Foundation
import PostgresNIO
import RingfenceTestSupport
import Testing

@testable import RingfenceStore

/// Job leases against PostgreSQL: one holder at a time, renewal, take-over after expiry with
/// a new term and a history row, release, and a race for a new job.
@Suite(
    "Job leases",
    .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct JobLeaseStoreTests {
    @Test("held by one replica, renewed by it, taken over when expired, released at shutdown")
    func lifecycle() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let store = JobLeaseStore(client: client)
            #expect(try await store.acquire(job: "sync", holder: "a", ttl: .seconds(60)) == 1)
            #expect(try await store.acquire(job: "sync", holder: "b", ttl: .seconds(60)) == nil, "a holds it")
            #expect(try await store.acquire(job: "sync", holder: "a", ttl: .seconds(60)) == 1, "renewed, same term")
            #expect(try await store.acquire(job: "reports", holder: "b", ttl: .seconds(60)) == 1, "jobs are apart")

            // a stops renewing: once expired, b takes it with a new term.
            try await client.query("UPDATE job_leases SET expires_at = now() - interval '1 second' WHERE job = 'sync'")
            #expect(try await store.acquire(job: "sync", holder: "b", ttl: .seconds(60)) == 2)
            #expect(try await store.acquire(job: "sync", holder: "a", ttl: .seconds(60)) == nil)
            let lease = try #require(try await store.leases().first { $0.job == "sync" })
            #expect(lease.holder == "b" && lease.term == 2 && !lease.expired)

            // b shuts down and releases: a takes it at once.
            try await store.release(job: "sync", holder: "b")
            #expect(try await store.acquire(job: "sync", holder: "a", ttl: .seconds(60)) == 3)
            try await store.release(job: "sync", holder: "b")  // not b's any more: nothing happens
            #expect(try await store.leases().first { $0.job == "sync" }?.holder == "a")

            let history = try await store.handovers(job: "sync")
            #expect(history.map(\.holder) == ["a", "b", "a"])
            #expect(history.map(\.previousHolder) == [nil, "a", "b"])
            #expect(history[1].previousExpired != nil && history[1].acquiredAt >= history[1].previousExpired!)
        }
    }

    @Test("replicas racing for a job nobody held: exactly one wins")
    func race() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let store = JobLeaseStore(client: client)
            let terms = try await withThrowingTaskGroup(of: Int64?.self) { group in
                for replica in 0..<8 {
                    group.addTask { try await store.acquire(job: "rollout", holder: "r\(replica)", ttl: .seconds(60)) }
                }
                var terms: [Int64?] = []
                for try await term in group { terms.append(term) }
                return terms
            }
            #expect(terms.compactMap { $0 } == [1])
            #expect(try await store.handovers(job: "rollout").count == 1)
        }
    }
}
