import Foundation
import PostgresNIO
import RingfenceStore
import RingfenceTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Two `ringfence serve` replicas on one PostgreSQL: each scheduled job is led by one of
/// them; the leader killed with SIGKILL, the other takes every job over once the leases
/// expire; stopped gracefully, a replica releases its leases at once.
@Suite(
    "one leader per scheduled job across replicas",
    .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct LeaderElectionTests {
    static let jobs: Set<String> = ["event-seals", "exception-expiry", "rollout"]

    @Test("the leader killed: the other replica takes every job over; a graceful stop releases them")
    func handover() async throws {
        try await TestServers.withMigratedDatabase { client, database in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rf-lead-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            func replica(_ name: String) throws -> (RingfenceExecutable, Process, Int) {
                let port = try freeLoopbackPort()
                let ringfence = try RingfenceExecutable(environment: [
                    "RINGFENCE_DATABASE_URL": RingfenceExecutable.databaseURL(database),
                    "RINGFENCE_LISTEN": "127.0.0.1:\(port)", "RINGFENCE_METRICS_LISTEN": "off",
                    "RINGFENCE_JOB_LEASE_SECONDS": "3", "RINGFENCE_ROLLOUT_INTERVAL": "1",
                ])
                let log = folder.appendingPathComponent("\(name).log")
                let server = try ringfence.startServe(log: log)
                try ringfence.waitUntilServing(server, port: port, log: log)
                return (ringfence, server, port)
            }
            let store = JobLeaseStore(client: client)
            @Sendable func holders() async throws -> [String: String] {
                Dictionary(
                    uniqueKeysWithValues: try await store.leases().filter { !$0.expired && !$0.holder.isEmpty }.map {
                        ($0.job, $0.holder)
                    })
            }
            @Sendable func pid(_ holder: String) -> Int32? {
                holder.split(separator: "/").dropFirst().first.flatMap { Int32($0) }
            }

            let (ringfence, first, _) = try replica("first")
            defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
            try await HangGuard.until("the first replica leading every job") {
                let held = try await holders()
                return Set(held.keys) == Self.jobs && held.values.allSatisfy { pid($0) == first.processIdentifier }
            }
            let (_, second, _) = try replica("second")
            defer { if second.isRunning { kill(second.processIdentifier, SIGKILL) } }
            let status = try ringfence.run(["status"])
            #expect(status.contains("rollout            led by "), "\(status)")
            #expect(Set(try await holders().values.compactMap(pid)) == [first.processIdentifier], "one leader")

            // The leader dies: its leases expire (3 s) and the second replica takes each job.
            let killed = Date()
            kill(first.processIdentifier, SIGKILL)
            first.waitUntilExit()
            try await HangGuard.until("the second replica leading every job") {
                let held = try await holders()
                return Set(held.keys) == Self.jobs && held.values.allSatisfy { pid($0) == second.processIdentifier }
            }
            var handovers: [Double] = []
            for job in Self.jobs {
                let history = try await store.handovers(job: job)
                #expect(history.map(\.term) == [1, 2], "\(job)")
                #expect(history.first.map { pid($0.holder) } == first.processIdentifier)
                #expect(history.last?.previousHolder == history.first?.holder)
                if let taken = history.last?.acquiredAt { handovers.append(taken.timeIntervalSince(killed)) }
            }
            print("hand-over after SIGKILL (lease 3 s): \(handovers.sorted().map { String(format: "%.2f s", $0) })")

            // A graceful stop releases at once.
            kill(second.processIdentifier, SIGTERM)
            second.waitUntilExit()
            #expect(second.terminationStatus == 0)
            #expect(try await holders().isEmpty, "every lease released")
            let after = try ringfence.run(["status"])
            #expect(after.contains("rollout            lease expired"), "\(after)")
        }
    }
}
