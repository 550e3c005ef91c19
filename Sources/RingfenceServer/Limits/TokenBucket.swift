import Foundation

/// A token bucket: `rate` tokens a second refill it up to `burst`; each request takes one.
///
/// A value type driven by the caller's clock, so it is tested without waiting.
public struct TokenBucket: Sendable, Equatable {
    public let rate: Double
    public let burst: Double
    private(set) var tokens: Double
    private(set) var updated: Date

    /// A full bucket at `now`.
    public init(rate: Double, burst: Double, now: Date) {
        precondition(rate > 0 && burst >= 1, "a bucket needs a positive rate and room for one request")
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.updated = now
    }

    /// Takes one token if there is one; returns whether the request may go ahead.
    public mutating func take(now: Date) -> Bool {
        let elapsed = max(0, now.timeIntervalSince(updated))
        tokens = min(burst, tokens + elapsed * rate)
        updated = max(updated, now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// Seconds until the next token, for a `retry-after` hint.
    public var secondsUntilNextToken: Double { tokens >= 1 ? 0 : (1 - tokens) / rate }
}
