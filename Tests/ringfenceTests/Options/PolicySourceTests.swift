import ArgumentParser
import Foundation
import RingfenceCore
import RingfenceStore
import RingfenceTestSupport
import Testing

@testable import ringfence

@Suite(
    "PolicySource against PostgreSQL",
    .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct PolicySourceTests {
    static let pack = PackVersion(
        pack: "p", version: 1, rules: [Rule(id: "R", surface: .riskyShell, match: ["x"], level: .block, risk: .low)])

    @Test("explain at a time uses the revision in force then; without a time, the latest")
    func explainAtTime() async throws {
        try await TestServers.withMigratedDatabase { client, configuration in
            let store = PolicyStore(client: client)
            let r1 = try await store.publish(
                PolicyBundle(packs: [Self.pack], assignments: [Assignment(id: "a", pack: "p", priority: 1)]),
                actor: "t", expectedCurrent: nil)
            let r2 = try await store.publish(
                PolicyBundle(
                    packs: [Self.pack],
                    assignments: [
                        Assignment(
                            id: "a", pack: "p", priority: 1,
                            overrides: [.riskyShell: .off])
                    ]),
                actor: "t", expectedCurrent: r1)
            let times = try await store.revisions()
            let between = times.first { $0.number == r1 }!.createdAt
            let url =
                "postgres://\(configuration.username)@\(configuration.host):\(configuration.port)/\(configuration.database)"
            let source = try PolicySource.parse(["--database-url", url])
            let then = try await source.load(at: between)
            #expect(then.revision == r1)
            let context = DecisionContext(user: "u", hostRing: .enforce, at: between)
            #expect(then.resolve(context).surface(.riskyShell)?.level == .block)
            let latest = try await source.load(at: nil)
            #expect(latest.revision == r2)
            #expect(latest.resolve(context).surface(.riskyShell)?.level == .off)
            await #expect(throws: (any Error).self) { try await source.load(at: between.addingTimeInterval(-3600)) }
        }
    }
}
