import RingfenceServer
import Testing

@Suite("Connection caps per replica and per address")
struct ConnectionCountsTests {
    let limits = ConnectionCounts.Limits(total: 4, perAddress: 2)

    @Test("an address gets perAddress connections; the next is refused by the address cap")
    func perAddress() {
        var counts = ConnectionCounts()
        #expect(counts.admit("10.0.0.1", limits: limits) == .admitted)
        #expect(counts.admit("10.0.0.1", limits: limits) == .admitted)
        #expect(counts.admit("10.0.0.1", limits: limits) == .addressLimit)
        #expect(counts.admit("10.0.0.2", limits: limits) == .admitted)
        #expect(counts.total == 3)
        #expect(counts.byAddress == ["10.0.0.1": 2, "10.0.0.2": 1])
    }

    @Test("the replica's total cap refuses any address once reached, and a release makes room again")
    func total() {
        var counts = ConnectionCounts()
        for address in ["a", "a", "b", "c"] { #expect(counts.admit(address, limits: limits) == .admitted) }
        #expect(counts.admit("d", limits: limits) == .totalLimit)
        // Full in total and for `a`: the total cap is the one named.
        #expect(counts.admit("a", limits: limits) == .totalLimit)
        counts.release("c")
        #expect(counts.admit("d", limits: limits) == .admitted)
        #expect(counts.total == 4)
    }

    @Test("releases forget addresses with no connection left; a release of an unknown address changes nothing")
    func release() {
        var counts = ConnectionCounts()
        _ = counts.admit("a", limits: limits)
        _ = counts.admit("a", limits: limits)
        counts.release("a")
        #expect(counts.byAddress == ["a": 1])
        counts.release("a")
        #expect(counts.byAddress.isEmpty)
        #expect(counts.total == 0)
        counts.release("a")
        counts.release("never")
        #expect(counts.total == 0)
        #expect(counts == ConnectionCounts())
    }
}
