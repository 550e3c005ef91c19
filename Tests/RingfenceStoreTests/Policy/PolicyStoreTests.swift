import Foundation
import PostgresNIO
import RingfenceCore
import RingfenceTestSupport
import Testing

@testable import RingfenceStore

@Suite(
    "PolicyStore against PostgreSQL",
    .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct PolicyStoreTests {
    static let secrets1 = PackVersion(
        pack: "secrets", version: 1,
        rules: [
            Rule(id: "SP-1", surface: .sensitivePathRead, match: ["**/.env"], level: .block, risk: .high)
        ])
    static let shell1 = PackVersion(
        pack: "shell", version: 1,
        rules: [
            Rule(id: "RS-1", surface: .riskyShell, match: ["rm -rf /*"], level: .block, risk: .critical),
            Rule(id: "RS-2", surface: .riskyShell, match: ["curl * | sh"], level: .warn, risk: .high),
        ])

    static let first = PolicyBundle(
        packs: [secrets1, shell1],
        assignments: [
            Assignment(id: "baseline", pack: "secrets", priority: 10),
            Assignment(id: "shell", pack: "shell", priority: 10, selector: Selector(groups: ["eng"])),
        ],
        ringMappings: [RingMapping(group: "eng", ring: .target, priority: 1)])

    static var second: PolicyBundle {
        var bundle = first
        bundle.assignments[1].overrides = [.riskyShell: .observe]
        bundle.assignments.removeFirst()
        bundle.assignments.append(
            Assignment(
                id: "sandbox", priority: 50, selector: Selector(repoTrust: [.sandbox]), overrides: [.riskyShell: .off]))
        return bundle
    }

    static let contexts = [
        DecisionContext(user: "a", groups: ["eng"], repo: "x/y", trust: .production, at: Date()),
        DecisionContext(user: "b", groups: ["eng"], repo: "x/z", trust: .sandbox, at: Date()),
        DecisionContext(user: "c", groups: ["ops"], hostRing: .enforce, at: Date()),
    ]

    func etags(_ store: PolicyStore, revision: Int64) async throws -> [String] {
        let snapshot = try await store.snapshot(revision: revision)
        return Self.contexts.map { snapshot.resolve($0).etag }
    }

    @Test("apply, change, roll back: the rollback resolves to exactly the first revision's etags")
    func rollbackRestoresEtags() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let store = PolicyStore(client: client)
            let r1 = try await store.publish(Self.first, actor: "alice", expectedCurrent: nil)
            let r2 = try await store.publish(Self.second, actor: "bob", expectedCurrent: r1)
            let before = try await etags(store, revision: r1)
            #expect(try await etags(store, revision: r2) != before)
            let r3 = try await store.rollback(to: r1, actor: "carol", expectedCurrent: r2)
            #expect(r3 == 3)
            #expect(try await etags(store, revision: r3) == before)
            let revisions = try await store.revisions()
            #expect(revisions.map(\.number) == [3, 2, 1])
            #expect(revisions.first?.rolledBackFrom == 1)
            #expect(try await store.bundle(revision: r3) == store.bundle(revision: r1))
        }
    }

    @Test(
        "floors, risk selectors and pack floors round-trip; exceptions change only through adjust and survive publishes and rollbacks"
    )
    func floorsAndAdjustments() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let store = PolicyStore(client: client)
            var bundle = Self.first
            bundle.floors = [RiskFloor(risk: .critical, level: .block, fromRing: .target)]
            bundle.packs[1].floors = [RiskFloor(risk: .high, level: .warn, fromRing: .enforce, exceptions: .allowed)]
            bundle.assignments[1].selector.risks = [.high]
            // A publisher's own adjustments are ignored: they change only through adjust.
            bundle.adjustments = [
                RuleAdjustment(
                    id: "hold-9", kind: .hold, pack: "shell", rule: "RS-1", level: .observe, group: "eng", actor: "x")
            ]
            let r1 = try await store.publish(bundle, actor: "alice", expectedCurrent: nil)
            var stored = try await store.bundle(revision: r1)
            #expect(
                stored.floors == bundle.floors
                    && stored.packs.first { $0.pack == "shell" }?.floors == bundle.packs[1].floors)
            #expect(stored.assignments.first { $0.id == "shell" }?.selector.risks == [.high])
            #expect(stored.adjustments.isEmpty)

            let exception = RuleAdjustment(
                id: "exception-1", kind: .exception, pack: "shell", rule: "RS-2", level: .observe, user: "bob",
                repo: "x/y", validFrom: Date(), validUntil: Date().addingTimeInterval(3600), actor: "carol",
                request: 1)
            let (r2, count) = try await store.adjust(actor: "carol", comment: "exception #1 approved") { current in
                (current + [exception], current.count)
            }
            #expect(r2 == r1 + 1 && count == 0)
            stored = try await store.bundle(revision: r2)
            #expect(stored.adjustments == [exception])
            #expect(stored.floors == bundle.floors)

            // A publish keeps it; so does a rollback to a revision from before it.
            var second = Self.second
            second.packs = bundle.packs
            let r3 = try await store.publish(second, actor: "bob", expectedCurrent: r2)
            #expect(try await store.bundle(revision: r3).adjustments == [exception])
            let r4 = try await store.rollback(to: r1, actor: "bob", expectedCurrent: r3)
            #expect(try await store.bundle(revision: r4).adjustments == [exception])
            #expect(try await store.bundle(revision: r4).floors == bundle.floors)

            // An ill-formed adjustment is refused and nothing is written.
            var unended = exception
            unended.id = "exception-2"
            unended.validUntil = nil
            let open = unended
            await #expect(throws: PolicyStoreError.invalid(["exception exception-2 has no end"])) {
                try await store.adjust(actor: "carol", comment: "bad") { ($0 + [open], ()) }
            }
            #expect(try await store.currentRevision()?.number == r4)
        }
    }

    @Test(
        "promotions and the rollout plan are stored; publishes and rollbacks keep the promotions, the mapping table has them"
    )
    func promotionsAndPlan() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let store = PolicyStore(client: client)
            var bundle = Self.first
            bundle.ringMappings = [RingMapping(group: "web", ring: .audit, priority: 5)]
            bundle.rollout = RolloutPlan(
                gates: .init(hookedHosts: 0.9), hold: .init(), steps: [.init(group: "web", ring: .target)])
            let r1 = try await store.publish(bundle, actor: "alice", expectedCurrent: nil)
            #expect(try await store.bundle(revision: r1).rollout == bundle.rollout)
            let promotion = RingPromotion(group: "web", ring: .target, at: Date(timeIntervalSince1970: 1_800_000_000))
            let (r2, _) = try await store.promote(actor: "ringfence", comment: "rollout: web → ring 3") { current in
                (current + [promotion], ())
            }
            #expect(try await store.bundle(revision: r2).promotions == [promotion])
            #expect(try await store.bundle(revision: r2).ringMappings == bundle.ringMappings)
            var rings: [String] = []
            for try await (group, ring) in try await client.query("SELECT group_ref, ring FROM ring_mappings")
                .decode((String, Int).self)
            {
                rings.append("\(group) \(ring)")
            }
            #expect(rings == ["web 3"])
            var next = bundle
            next.rollout = nil
            let r3 = try await store.publish(next, actor: "bob", expectedCurrent: r2)
            #expect(try await store.bundle(revision: r3).promotions == [promotion])
            #expect(try await store.bundle(revision: r3).rollout == nil)
            let r4 = try await store.rollback(to: r1, actor: "bob", expectedCurrent: r3)
            #expect(try await store.bundle(revision: r4).promotions == [promotion])
            #expect(try await store.bundle(revision: r4).rollout == bundle.rollout)
        }
    }

    @Test("history has one row per added, changed and removed assignment, and cannot be altered")
    func history() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let store = PolicyStore(client: client)
            let r1 = try await store.publish(Self.first, actor: "alice", expectedCurrent: nil)
            _ = try await store.publish(Self.second, actor: "bob", expectedCurrent: r1)
            let entries = try await store.history()
            #expect(
                entries.filter { $0.revision == 1 }.map { "\($0.change) \($0.assignment)" }.sorted() == [
                    "added baseline", "added shell",
                ])
            #expect(
                entries.filter { $0.revision == 2 }.map { "\($0.change) \($0.assignment) by \($0.actor)" }.sorted()
                    == ["added sandbox by bob", "changed shell by bob", "removed baseline by bob"])
            let changed = try #require(entries.first { $0.change == "changed" })
            #expect(changed.before?.contains("observe") == false)
            #expect(changed.after?.contains("observe") == true)
            await #expect(throws: (any Error).self) {
                try await client.query("UPDATE assignment_history SET actor = 'mallory'")
            }
            await #expect(throws: (any Error).self) { try await client.query("DELETE FROM assignment_history") }
            await #expect(throws: (any Error).self) { try await client.query("DELETE FROM policy_revisions") }
            #expect(try await store.history().count == 5)
        }
    }

    @Test("two publishers from the same revision: one wins, the other is told the revision moved")
    func concurrentPublish() async throws {
        try await TestServers.withMigratedDatabase { client, configuration in
            let r1 = try await PolicyStore(client: client).publish(Self.first, actor: "alice", expectedCurrent: nil)
            let results = await withTaskGroup(of: Result<Int64, any Error>.self) { group in
                for actor in ["bob", "carol"] {
                    group.addTask {
                        do {
                            return .success(
                                try await withPostgres(configuration) { other in
                                    try await PolicyStore(client: other).publish(
                                        Self.second, actor: actor, expectedCurrent: r1)
                                })
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let successes = results.compactMap { try? $0.get() }
            #expect(successes == [2])
            let failure = results.compactMap { result -> PolicyStoreError? in
                if case .failure(let error) = result { return error as? PolicyStoreError }
                return nil
            }
            #expect(failure == [.revisionMoved(expected: 1, current: 2)])
            #expect(try await PolicyStore(client: client).revisions().count == 2)
        }
    }

    @Test("a changed pack reusing a published version number is refused and nothing is written")
    func immutablePackVersions() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let store = PolicyStore(client: client)
            let r1 = try await store.publish(Self.first, actor: "alice", expectedCurrent: nil)
            var edited = Self.first
            edited.packs[0].rules[0].level = .warn
            await #expect(throws: PolicyStoreError.packVersionChanged(pack: "secrets", version: 1)) {
                try await store.publish(edited, actor: "bob", expectedCurrent: r1)
            }
            var invalid = Self.first
            invalid.assignments.append(Assignment(id: "broken", pack: "missing", priority: 1))
            await #expect(throws: PolicyStoreError.self) {
                try await store.publish(invalid, actor: "bob", expectedCurrent: r1)
            }
            #expect(try await store.revisions().map(\.number) == [1])
            #expect(try await store.history().count == 2)
        }
    }

    @Test("the revision in force at a moment is the latest published before it")
    func revisionAtTime() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let store = PolicyStore(client: client)
            let r1 = try await store.publish(Self.first, actor: "alice", expectedCurrent: nil)
            let r2 = try await store.publish(Self.second, actor: "bob", expectedCurrent: r1)
            let revisions = try await store.revisions()
            let t1 = revisions.first { $0.number == r1 }!.createdAt
            let t2 = revisions.first { $0.number == r2 }!.createdAt
            #expect(try await store.revision(at: t1.addingTimeInterval(-1)) == nil)
            #expect(try await store.revision(at: t1) == r1)
            #expect(try await store.revision(at: t2) == r2)
            #expect(try await store.revision(at: t2.addingTimeInterval(3600)) == r2)
        }
    }

    @Test("a publish is announced on the notification channel")
    func notification() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let revision = try await withThrowingTaskGroup(of: Int64?.self) { group in
                let listening = AsyncStream<Void>.makeStream()
                group.addTask {
                    try await client.withConnection { connection in
                        try await connection.listen(on: PolicyStore.channel) { notifications in
                            listening.continuation.yield()
                            for try await notification in notifications { return Int64(notification.payload) }
                            return nil
                        }
                    }
                }
                for await _ in listening.stream { break }
                _ = try await PolicyStore(client: client).publish(Self.first, actor: "alice", expectedCurrent: nil)
                let received = try await group.next() ?? nil
                group.cancelAll()
                return received
            }
            #expect(revision == 1)
        }
    }
}
