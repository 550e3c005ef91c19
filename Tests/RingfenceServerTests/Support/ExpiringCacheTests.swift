import Foundation
import Synchronization
import Testing

@testable import RingfenceServer

@Suite("ExpiringCache")
struct ExpiringCacheTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("values are fresh for their lifetime, then loaded again")
    func lifetime() async {
        let cache = ExpiringCache<String, Int>(lifetime: 5)
        let loads = Counter()
        let first = await cache.value(for: "k", now: start) { loads.next() }
        let cached = await cache.value(for: "k", now: start.addingTimeInterval(4.9)) { loads.next() }
        let reloaded = await cache.value(for: "k", now: start.addingTimeInterval(5)) { loads.next() }
        #expect([first, cached, reloaded] as [Int] == [1, 1, 2])
    }

    @Test("a removed entry is loaded again at once")
    func remove() async {
        let cache = ExpiringCache<String, Int>(lifetime: 60)
        cache.store(7, for: "k", now: start)
        cache.remove("k")
        #expect(cache.fresh("k", now: start) == nil)
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
