import Foundation
import Synchronization
import Testing

@testable import RingfenceServer

@Suite("ExpiringCache")
struct ExpiringCacheTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("values are fresh for their lifetime, then loaded again")
    func lifetime() async throws {
        let cache = ExpiringCache<String, Int>(lifetime: 5)
        let loads = Counter()
        let first = try await cache.value(for: "k", now: start) { loads.next() }
        let cached = try await cache.value(for: "k", now: start.addingTimeInterval(4.9)) { loads.next() }
        let reloaded = try await cache.value(for: "k", now: start.addingTimeInterval(5)) { loads.next() }
        #expect([first, cached, reloaded] as [Int] == [1, 1, 2])
    }

    @Test("a removed entry is loaded again at once")
    func remove() async throws {
        let cache = ExpiringCache<String, Int>(lifetime: 60)
        cache.store(7, for: "k", now: start)
        #expect(try await cache.value(for: "k", now: start) { 8 } == 7, "stored and fresh: no load")
        cache.remove("k")
        #expect(cache.fresh("k", now: start) == nil)
        #expect(try await cache.value(for: "k", now: start) { 9 } == 9, "removed: the next caller loads")
        #expect(cache.fresh("k", now: start) == 9)
    }

    @Test("a zero lifetime caches nothing")
    func disabled() {
        let cache = ExpiringCache<String, Int>(lifetime: 0)
        cache.store(7, for: "k", now: start)
        #expect(cache.fresh("k", now: start) == nil)
        #expect(cache.count == 0)
    }

    @Test("the table never holds more than its capacity")
    func capacity() {
        let cache = ExpiringCache<Int, Int>(lifetime: 60, capacity: 10)
        for key in 0..<25 { cache.store(key, for: key, now: start.addingTimeInterval(Double(key))) }
        #expect(cache.count <= 10)
        #expect(cache.fresh(24, now: start.addingTimeInterval(24)) == 24)
    }

    @Test("callers missing the same key at once share one load")
    func singleFlight() async throws {
        let cache = ExpiringCache<String, Int>(lifetime: 60)
        let loads = Counter()
        let (gate, open) = AsyncStream<Void>.makeStream()
        let (arrivals, arrived) = AsyncStream<Void>.makeStream()
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    arrived.yield()
                    return try await cache.value(for: "k", now: start) {
                        // The one load waits until every caller has asked.
                        for await _ in gate {}
                        return loads.next()
                    }
                }
            }
            var count = 0
            for await _ in arrivals {
                count += 1
                if count == 20 { break }
            }
            // Every caller has at least started asking; let the load finish.
            open.finish()
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results == Array(repeating: 1, count: 20))
        #expect(loads.next() == 2, "exactly one load ran")
    }

    @Test("with servesStale, an expired value is answered while one reload runs")
    func stale() async throws {
        let cache = ExpiringCache<String, Int>(lifetime: 5, servesStale: true)
        cache.store(1, for: "k", now: start)
        let (gate, open) = AsyncStream<Void>.makeStream()
        let later = start.addingTimeInterval(10)
        let first = try await cache.value(for: "k", now: later) {
            for await _ in gate {}
            return 2
        }
        let second = try await cache.value(for: "k", now: later) { 3 }
        #expect(first == 1 && second == 1, "the reload is running: the stale value is answered")
        open.finish()
        // The one reload that ran (not the second caller's) installs its value.
        await cache.waitForLoad("k")
        #expect(cache.fresh("k", now: later) == 2)
    }

    @Test("without servesStale, a caller that finds an expired value waits for the reload")
    func notStale() async throws {
        let cache = ExpiringCache<String, Int>(lifetime: 5)
        cache.store(1, for: "k", now: start)
        #expect(try await cache.value(for: "k", now: start.addingTimeInterval(10)) { 4 } == 4)
    }

    @Test("a failed load is not cached; the next caller loads again")
    func failure() async throws {
        let cache = ExpiringCache<String, Int>(lifetime: 60)
        await #expect(throws: CancellationError.self) {
            try await cache.value(for: "k", now: start) { throw CancellationError() }
        }
        #expect(try await cache.value(for: "k", now: start) { 5 } == 5)
    }

    /// A counter the load closures share.
    final class Counter: Sendable {
        private let value = Mutex(0)
        func next() -> Int {
            value.withLock { value in
                value += 1
                return value
            }
        }
    }
}
