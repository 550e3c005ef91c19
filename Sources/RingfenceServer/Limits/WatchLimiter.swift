import Foundation
import Synchronization

/// Counts the open `WatchPolicy` streams per host and refuses one more than allowed, so a
/// host (or a stolen key) cannot hold an unbounded number of streams open.
final class WatchLimiter: Sendable {
    let perHost: Int
    private let open = Mutex<[UUID: Int]>([:])

    init(perHost: Int) {
        self.perHost = perHost
    }

    /// Takes a slot for `host`; false when it already holds `perHost` streams.
    func acquire(_ host: UUID) -> Bool {
        open.withLock { counts in
            guard counts[host, default: 0] < perHost else { return false }
            counts[host, default: 0] += 1
            return true
        }
    }

    /// Gives a slot back.
    func release(_ host: UUID) {
        open.withLock { counts in
            let left = counts[host, default: 1] - 1
            counts[host] = left > 0 ? left : nil
        }
    }

    /// Streams open now, over all hosts.
    var count: Int { open.withLock { $0.values.reduce(0, +) } }
}
