import Foundation
import Testing

@testable import RingfenceServer

@Suite("RateLimiter")
struct RateLimiterTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("each key has its own bucket")
    func perKey() {
        let limiter = RateLimiter(rate: 1, burst: 2)
        #expect(limiter.admit("a", now: start) == nil)
        #expect(limiter.admit("a", now: start) == nil)
        let wait = limiter.admit("a", now: start)
        #expect(wait != nil && wait! > 0.99 && wait! <= 1)
        #expect(limiter.admit("b", now: start) == nil)
        #expect(limiter.admit("a", now: start.addingTimeInterval(1)) == nil)
    }

    @Test("idle buckets are pruned when the table grows, busy ones are kept")
    func prune() {
        let limiter = RateLimiter(rate: 1, burst: 2, pruneAbove: 3)
        for key in ["a", "b", "c", "d"] { _ = limiter.admit(key, now: start) }
        // "busy" is drained just before the table is pruned; it must keep its state.
        _ = limiter.admit("busy", now: start.addingTimeInterval(10))
        _ = limiter.admit("busy", now: start.addingTimeInterval(10))
        #expect(limiter.admit("busy", now: start.addingTimeInterval(10)) != nil)
        #expect(limiter.admit("e", now: start.addingTimeInterval(10)) == nil)
        #expect(limiter.admit("busy", now: start.addingTimeInterval(10)) != nil)
    }
}
