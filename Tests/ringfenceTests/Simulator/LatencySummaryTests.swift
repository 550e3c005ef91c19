import Testing

@testable import ringfence

@Suite("LatencySummary")
struct LatencySummaryTests {
    @Test("nearest-rank percentiles of 1…100 ms")
    func percentiles() {
        let summary = LatencySummary((1...100).reversed().map { Double($0) / 1_000 })
        #expect(summary.count == 100)
        #expect(summary.p50 == 0.050)
        #expect(summary.p90 == 0.090)
        #expect(summary.p99 == 0.099)
        #expect(summary.max == 0.100)
        #expect(summary.description == "p50 50.00 ms, p90 90.00 ms, p99 99.00 ms, max 100.00 ms")
    }

    @Test("one sample is every percentile; none is all zero")
    func edges() {
        #expect(LatencySummary([0.004]) == LatencySummary([0.004, 0.004]).with(count: 1))
        #expect(LatencySummary([]).p99 == 0)
        #expect(LatencySummary([]).count == 0)
    }
}

extension LatencySummary {
    fileprivate func with(count: Int) -> LatencySummary {
        var copy = self
        copy.count = count
        return copy
    }
}
