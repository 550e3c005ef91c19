import Benchmark
import Foundation
import RingfenceCore

/// Resolver benchmarks (issue 3 targets: p99 ≤ 50 µs and ≥ 50,000 resolutions/s on one
/// core for a full context with trace; snapshot build ≤ 1 s). Numbers: docs/performance.md.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident],
        warmupIterations: 1_000,
        maxDuration: .seconds(10),
        maxIterations: 200_000
    )

    // BENCHMARK_WORKLOAD=typical|skewed limits set-up to one workload (for profiling).
    let only = ProcessInfo.processInfo.environment["BENCHMARK_WORKLOAD"].flatMap(ResolverWorkload.Shape.init(rawValue:))
    for shape in [ResolverWorkload.Shape.typical, .skewed] where only == nil || only == shape {
        let workload = ResolverWorkload(shape)
        let snapshot = try! PolicySnapshot(bundle: workload.bundle, revision: 1)
        let contexts = workload.contexts
        let sample = contexts.prefix(200).map { snapshot.resolve($0) }
        let matched = sample.map { $0.trace.filter { $0.outcome == .matched }.count }
        let rules = sample.map { $0.surfaces.reduce(0) { $0 + $1.rules.count } }
        print(
            "workload \(shape): \(workload.bundle.assignments.count) assignments, \(workload.bundle.packs.count) packs × 50 rules, "
                + "\(contexts.count) users × 40 groups; per context on average \(matched.reduce(0, +) / matched.count) matching assignments, "
                + "\(rules.reduce(0, +) / rules.count) effective rules; snapshot ≈ \(snapshot.approximateByteCount / 1_024) KiB"
        )

        var next = 0
        Benchmark("\(shape): resolve full context (all surfaces, trace)") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(snapshot.resolve(contexts[next % contexts.count]))
                next &+= 1
            }
        }

        Benchmark("\(shape): resolve and materialize every effective rule") { benchmark in
            for _ in benchmark.scaledIterations {
                let resolution = snapshot.resolve(contexts[next % contexts.count])
                for surface in resolution.surfaces { blackHole(surface.rules) }
                next &+= 1
            }
        }

        Benchmark(
            "\(shape): snapshot build (2,000 assignments, 10,000 rules)",
            configuration: .init(
                metrics: [.wallClock, .peakMemoryResident, .mallocCountTotal], warmupIterations: 1, maxIterations: 20)
        ) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try! PolicySnapshot(bundle: workload.bundle, revision: 2))
            }
        }
    }
}
