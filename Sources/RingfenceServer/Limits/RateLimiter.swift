import Foundation
import Synchronization

/// One token bucket per key (an API key prefix, a client address), shared by all requests.
///
/// Buckets idle long enough to be full again are dropped when the table grows, so the
/// memory held is bounded by the keys active in the last `burst / rate` seconds.
public final class RateLimiter: Sendable {
    let rate: Double
    let burst: Double
    private let buckets = Mutex<[String: TokenBucket]>([:])
    private let pruneAbove: Int

    public init(rate: Double, burst: Double, pruneAbove: Int = 10_000) {
        self.rate = rate
        self.burst = burst
        self.pruneAbove = pruneAbove
    }

    /// Whether a request for `key` may go ahead now; nil when it may, else the seconds
    /// until it could.
    public func admit(_ key: String, now: Date = Date()) -> Double? {
        buckets.withLock { buckets in
            if buckets.count > pruneAbove {
                let refill = burst / rate
                buckets = buckets.filter { now.timeIntervalSince($0.value.updated) < refill }
            }
            var bucket = buckets[key] ?? TokenBucket(rate: rate, burst: burst, now: now)
            let admitted = bucket.take(now: now)
            buckets[key] = bucket
            return admitted ? nil : bucket.secondsUntilNextToken
        }
    }
}
