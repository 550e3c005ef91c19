import Logging
import PostgresNIO
import RingfenceStore
import ServiceLifecycle

/// Keeps a `PolicySnapshotCache` on the latest published revision for as long as the
/// service runs (`ringfence serve`), reloading on every publish.
public struct PolicyWatcherService: Service {
    let watcher: PolicyWatcher
    let cache: PolicySnapshotCache

    public init(client: PostgresClient, cache: PolicySnapshotCache) {
        self.watcher = PolicyWatcher(client: client)
        self.cache = cache
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await watcher.run(deliver: { await cache.install($0) }, connected: { await cache.setLive($0) })
        }
    }
}
