import Foundation
import GRPCCore
import Prometheus
import RingfenceCore
import RingfenceFiles
import RingfenceProto
import RingfenceServer
import RingfenceStore
import RingfenceTestSupport
import Testing

/// WatchPolicy announces the revision in force, then every newer one.
@Suite("WatchPolicy", .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct WatchPolicyTests {
    @Test("the current revision at once, the next when it is installed; a fifth stream per host is refused")
    func announcements() async throws {
        try await AgentServiceHarness.run { harness in
            try await harness.withAgentClient { agent in
                let (hostID, key) = try await harness.enroll(machine: "m-watch", agent: agent)
                let request = {
                    var request = Ringfence_V1_WatchPolicyRequest()
                    request.hostID = hostID
                    return request
                }()
                let revisions = try await HangGuard.wait(for: "the current revision, then the published one") {
                    try await agent.watchPolicy(request, metadata: bearer(key)) { response in
                        var seen: [Int64] = []
                        for try await announcement in response.messages {
                            seen.append(announcement.revision)
                            if seen.count == 2 { break }
                            // Publish a copy and install it, as the watcher would.
                            let store = PolicyStore(client: harness.client)
                            let next = try await store.publish(
                                try await store.bundle(revision: harness.revision), actor: "test", comment: "again",
                                expectedCurrent: harness.revision)
                            await harness.snapshots.install(try await store.snapshot(revision: next))
                        }
                        return seen
                    }
                }
                #expect(revisions.count == 2)
                #expect(revisions.first == harness.revision)
                #expect((revisions.last ?? 0) > harness.revision)

                // The server lets go of a stream its client left.
                try await HangGuard.until("the first stream to be closed on the server") {
                    harness.registry.emitToString().contains("ringfence_watch_streams 0")
                }
                // Four streams may stay open; the fifth is refused.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    let opened = Counter()
                    for _ in 0..<4 {
                        group.addTask {
                            do {
                                try await agent.watchPolicy(request, metadata: bearer(key)) { response in
                                    for try await _ in response.messages {
                                        await opened.increment()
                                    }
                                }
                            } catch {
                                await opened.fail("\(error)")
                            }
                        }
                    }
                    try await HangGuard.until("four streams to be open") {
                        await opened.value + opened.failures.count == 4
                    }
                    let failures = await opened.failures
                    #expect(failures.isEmpty, "\(failures)")
                    await expectRPCError(.resourceExhausted) {
                        try await agent.watchPolicy(request, metadata: bearer(key)) { response in
                            for try await _ in response.messages {}
                        }
                    }
                    group.cancelAll()
                }
            }
        }
    }
}

/// A count shared by the tasks of a test.
actor Counter {
    private(set) var value = 0
    private(set) var failures: [String] = []
    func increment() { value += 1 }
    func fail(_ error: String) { failures.append(error) }
}
