import Foundation

/// Percentiles of a set of latencies, computed once from the sorted samples.
struct LatencySummary: Sendable, Equatable {
    var count: Int
    var p50: Double
    var p90: Double
    var p99: Double
    var max: Double

    /// Nearest-rank percentiles of `samples` (seconds); all zero when there are none.
    init(_ samples: [Double]) {
        let sorted = samples.sorted()
        count = sorted.count
        func rank(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let index = Int((p * Double(sorted.count)).rounded(.up)) - 1
            return sorted[Swift.max(0, Swift.min(sorted.count - 1, index))]
        }
        p50 = rank(0.50)
        p90 = rank(0.90)
        p99 = rank(0.99)
        max = sorted.last ?? 0
    }

    /// `p50 1.20 ms, p90 …` with milliseconds to two decimals.
    var description: String {
        func ms(_ seconds: Double) -> String { String(format: "%.2f ms", seconds * 1_000) }
        return "p50 \(ms(p50)), p90 \(ms(p90)), p99 \(ms(p99)), max \(ms(max))"
    }
}
