import Foundation
import RingfenceCore
import RingfenceStore
import RingfenceTestSupport
import Testing

@testable import RingfenceServer

@Suite("Policy snapshot cache")
struct PolicySnapshotCacheTests {
    static let pack = PackVersion(
        pack: "p", version: 1, rules: [Rule(id: "R", surface: .riskyShell, match: ["x"], level: .block, risk: .low)])

    static func bundle(priority: Int) -> PolicyBundle {
        PolicyBundle(packs: [pack], assignments: [Assignment(id: "a", pack: "p", priority: priority)])
    }

    @Test("newer snapshots replace older ones; waiters wake at their revision")
    func install() async throws {
        let cache = PolicySnapshotCache()
        async let waited = cache.snapshot(atLeast: 2)
        await cache.install(try PolicySnapshot(bundle: Self.bundle(priority: 1), revision: 1))
        await cache.install(try PolicySnapshot(bundle: Self.bundle(priority: 2), revision: 2))
        await cache.install(try PolicySnapshot(bundle: Self.bundle(priority: 1), revision: 1))
        #expect(await waited?.revision == 2)
        #expect(await cache.current?.revision == 2)
    }

    @Test("a cancelled wait returns nil instead of hanging")
    func cancelledWait() async {
        let cache = PolicySnapshotCache()
        let waiter = Task { await cache.snapshot(atLeast: 7) }
        waiter.cancel()
        #expect(await waiter.value == nil)
    }

    @Test(
        "a running watcher picks up a publish",
        .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
    func watcherFollowsPublishes() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let store = PolicyStore(client: client)
            let first = try await store.publish(Self.bundle(priority: 1), actor: "t", expectedCurrent: nil)
            let cache = PolicySnapshotCache()
            let watcher = Task {
                await PolicyWatcher(client: client).run(
                    deliver: { await cache.install($0) }, connected: { await cache.setLive($0) })
            }
            defer { watcher.cancel() }
            _ = await cache.snapshot(atLeast: first)
            #expect(await cache.isLive)

            let second = try await store.publish(Self.bundle(priority: 2), actor: "t", expectedCurrent: first)
            // Waits for the event itself; how fast it arrives is measured in Benchmarks, not here.
            let picked = try await HangGuard.wait(for: "the watcher to install revision \(second)") {
                await cache.snapshot(atLeast: second)
            }
            #expect(picked?.revision == second)
        }
    }
}
