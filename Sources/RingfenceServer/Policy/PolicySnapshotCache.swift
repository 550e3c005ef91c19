import RingfenceCore

/// The policy snapshot requests resolve against: the latest revision the watcher loaded.
///
/// Readers get the current snapshot without waiting; the watcher replaces it when a new
/// revision is published. Whether the cache is following PostgreSQL live is kept as well,
/// so an operator can see that it is serving an older snapshot while PostgreSQL is away.
public actor PolicySnapshotCache {
    /// The snapshot in force, nil before the first load.
    public private(set) var current: PolicySnapshot?
    /// Whether the watcher is connected to PostgreSQL.
    public private(set) var isLive = false
    private var waiters: [(id: Int, revision: Int64, continuation: CheckedContinuation<PolicySnapshot?, Never>)] = []
    private var nextWaiter = 0

    public init() {}

    /// Installs a newer snapshot (older or equal revisions are ignored).
    public func install(_ snapshot: PolicySnapshot) {
        if let current, current.revision >= snapshot.revision { return }
        current = snapshot
        let ready = waiters.filter { $0.revision <= snapshot.revision }
        waiters.removeAll { $0.revision <= snapshot.revision }
        for waiter in ready { waiter.continuation.resume(returning: snapshot) }
    }

    /// Records whether the watcher is connected.
    public func setLive(_ live: Bool) {
        isLive = live
    }

    /// Waits until a snapshot of at least this revision is installed; nil when the waiting
    /// task is cancelled first.
    public func snapshot(atLeast revision: Int64) async -> PolicySnapshot? {
        if let current, current.revision >= revision { return current }
        let id = nextWaiter
        nextWaiter += 1
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume(returning: nil)
                } else {
                    waiters.append((id, revision, continuation))
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func cancelWaiter(_ id: Int) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(returning: nil)
    }
}
