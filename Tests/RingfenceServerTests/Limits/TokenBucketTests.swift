import Foundation
import Testing

@testable import RingfenceServer

@Suite("TokenBucket")
struct TokenBucketTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("a full bucket admits its burst at once, then refuses")
    func burst() {
        var bucket = TokenBucket(rate: 10, burst: 5, now: start)
        let admitted = (0..<8).filter { _ in bucket.take(now: start) }.count
        #expect(admitted == 5)
        #expect(bucket.secondsUntilNextToken > 0.09 && bucket.secondsUntilNextToken <= 0.1)
    }

    @Test("tokens refill at the rate, never above the burst")
    func refill() {
        var bucket = TokenBucket(rate: 10, burst: 5, now: start)
        for _ in 0..<5 { _ = bucket.take(now: start) }
        let taken1 = bucket.take(now: start.addingTimeInterval(0.05))
        #expect(!taken1)
        let taken2 = bucket.take(now: start.addingTimeInterval(0.1))
        #expect(taken2)
        let taken3 = bucket.take(now: start.addingTimeInterval(0.1))
        #expect(!taken3)
        // An hour idle refills to the burst, not to 36,000.
        let later = start.addingTimeInterval(3_600)
        let admitted = (0..<100).filter { _ in bucket.take(now: later) }.count
        #expect(admitted == 5)
    }

    @Test("a clock that steps back does not mint tokens")
    func clockBackwards() {
        var bucket = TokenBucket(rate: 1, burst: 1, now: start)
        let taken4 = bucket.take(now: start)
        #expect(taken4)
        let taken5 = bucket.take(now: start.addingTimeInterval(-10))
        #expect(!taken5)
        let taken6 = bucket.take(now: start.addingTimeInterval(0.5))
        #expect(!taken6)
        let taken7 = bucket.take(now: start.addingTimeInterval(1))
        #expect(taken7)
    }
}
