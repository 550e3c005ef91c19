import Foundation
import PostgresNIO
import RingfenceCore
import RingfenceStore
import RingfenceTestSupport
import Testing

/// Promotions and holds from several replicas at once: each happens once, with one event.
@Suite(
    "RolloutStore against PostgreSQL",
    .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct RolloutStoreTests {
    static let bundle = PolicyBundle(
        packs: [
            PackVersion(
                pack: "secrets", version: 1,
                rules: [Rule(id: "SP-1", surface: .sensitivePathRead, match: ["**/.env"], level: .block, risk: .high)])
        ], assignments: [Assignment(id: "baseline", pack: "secrets", priority: 10)],
        ringMappings: [RingMapping(group: "web", ring: .target)])

    static func count(_ kind: String, _ client: PostgresClient) async throws -> Int {
        for try await count in try await client.query(
            "SELECT count(*)::int FROM rollout_events WHERE kind = \(kind)"
        ).decode(Int.self) {
            return count
        }
        return 0
    }

    @Test("two replicas promoting the same step at once: one revision, one event; the later finds it done")
    func concurrentPromotion() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let policy = PolicyStore(client: client)
            let first = try await policy.publish(Self.bundle, actor: "alice", expectedCurrent: nil)
            let store = RolloutStore(client: client)
            let step = RolloutPlan.Step(group: "web", ring: .enforce)
            let results = try await withThrowingTaskGroup(of: Int64?.self) { group in
                for _ in 0..<2 { group.addTask { try await store.promote(step, results: []) } }
                return try await group.reduce(into: [Int64?]()) { $0.append($1) }
            }
            #expect(results.compactMap(\.self) == [first + 1], "\(results)")
            #expect(try await store.promote(step, results: []) == nil)
            #expect(try await Self.count("promoted", client) == 1)
            #expect(try await policy.currentRevision()?.number == first + 1)
            let snapshot = try await policy.snapshot(revision: first + 1)
            #expect(snapshot.resolve(DecisionContext(user: "w1", groups: ["web"], at: Date())).ring == .enforce)
        }
    }

    @Test("a hold in force is not made twice; a release removes it and refuses a second time")
    func holdOnce() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let policy = PolicyStore(client: client)
            _ = try await policy.publish(Self.bundle, actor: "alice", expectedCurrent: nil)
            let store = RolloutStore(client: client)
            let verdict = AutomaticHold.rulesToHold(
                [.init(pack: "secrets", rule: "SP-1", blocksAfter: 40, candidatesBefore: 1)], personDaysAfter: 2,
                personDaysBefore: 2, policy: .init()
            )[0]
            let held = try await store.hold(group: "web", ring: .enforce, verdict: verdict, level: .warn)
            #expect(held != nil)
            #expect(try await store.hold(group: "web", ring: .enforce, verdict: verdict, level: .warn) == nil)
            #expect(try await Self.count("rule-held", client) == 1)
            let current = try #require(try await policy.currentRevision())
            #expect(current.number == held)
            let holds = try await policy.bundle(revision: current.number).adjustments
            #expect(holds.map(\.id) == ["hold-web-secrets-sp-1"] && holds[0].group == "web" && holds[0].level == .warn)

            let released = try await store.release(holdID: "hold-web-secrets-sp-1", actor: "tess", comment: "tuned")
            #expect(try await policy.bundle(revision: released).adjustments.isEmpty)
            let events = try await store.events(group: "web")
            #expect(events.map(\.kind) == [.released, .ruleHeld])
            #expect(events[0].actor == "tess" && events[0].pack == "secrets" && events[0].rule == "SP-1")
            await #expect(throws: RolloutStore.Failure.unknownHold("hold-web-secrets-sp-1")) {
                try await store.release(holdID: "hold-web-secrets-sp-1", actor: "tess", comment: nil)
            }
        }
    }
}
