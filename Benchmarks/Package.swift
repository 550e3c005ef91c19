// swift-tools-version:6.1
// Benchmarks for Ringfence, in their own package so the benchmark plugin never runs in the
// root build. Run from this folder:
//   swift package --disable-sandbox -c release benchmark --target Resolver
//   swift package --disable-sandbox -c release benchmark --target Hook
import PackageDescription

// The root package is a path dependency, whose identity is its folder's name (whatever the
// clone was called), so name it from the folder rather than hard-coding it.
let root = Context.packageDirectory.split(separator: "/").dropLast().last.map(String.init) ?? "ringfence"

let package = Package(
    name: "RingfenceBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        // Default traits pull a package that is not available here; MallocInterposer only.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "Resolver",
            dependencies: [
                .product(name: "RingfenceCore", package: root),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/Resolver",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "Hook",
            dependencies: [
                .product(name: "RingfenceAdapters", package: root),
                .product(name: "RingfenceWorkstation", package: root),
                .product(name: "RingfenceCore", package: root),
                .product(name: "RingfenceFiles", package: root),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/Hook",
            swiftSettings: [.swiftLanguageMode(.v6)],
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
