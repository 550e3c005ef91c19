import Foundation
import Synchronization

/// Wakes a waiting loop before its deadline: `ring(revision:)` from any task ends the
/// current or the next `wait(until:)` at once, and leaves the newest revision announced
/// for the loop to take.
final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var waiter: CheckedContinuation<Void, Never>?
        var revision: Int64?
    }

    private let state = Mutex(State())

    /// The newest revision rung since the last call, if any.
    func takeRevision() -> Int64? {
        state.withLock { state in
            defer { state.revision = nil }
            return state.revision
        }
    }

    /// Ends the current wait, or the next one when nobody waits; keeps `revision`.
    func ring(revision: Int64? = nil) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let revision { state.revision = max(state.revision ?? revision, revision) }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.rung = true
            return nil
        }
        waiter?.resume()
    }

    /// Waits until `deadline` or a ring, whichever comes first (or cancellation).
    func wait(until deadline: ContinuousClock.Instant) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(until: deadline, clock: .continuous) }
            group.addTask { await self.waitForRing() }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForRing() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if state.rung || Task.isCancelled {
                        state.rung = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume()
        }
    }
}
