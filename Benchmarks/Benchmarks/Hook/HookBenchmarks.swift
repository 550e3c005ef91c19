import Benchmark
import Foundation
import RingfenceAdapters
import RingfenceCore
import RingfenceFiles
import RingfenceWorkstation

/// The hook's work inside the process (issue 8: decide in ≤ 5 ms p99 from cache): read
/// and decode policy.json, parse the agent's input, decide, answer, append the event to
/// the queue under its lock — `HookProcess.run`, exactly what `ringfence-hook` runs after
/// start-up. Process start-up is measured by scripts/bench-hook. Numbers: docs/performance.md.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 200,
        maxDuration: .seconds(10),
        maxIterations: 50_000
    )

    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
    let files = try! PolicyFiles.load(directory: root.appendingPathComponent("examples/policy"))
    let snapshot = try! PolicySnapshot(bundle: files.bundle, revision: 1)
    let example = AgentPolicy(
        snapshot.resolve(DecisionContext(user: "bench", groups: ["security"], agent: "claude-code", at: Date())))
    let inputs = ["bash-rm-rf", "bash-ls", "read-dotenv", "mcp-github-delete"].map {
        try! Data(
            contentsOf: root.appendingPathComponent(
                "Tests/RingfenceAdaptersTests/Fixtures/hooks/claude-code/\($0).json"))
    }

    for (name, policy) in [("example packs (ring 4)", example), ("500 rules", HookWorkload.large(rules: 500))] {
        let cache = FileManager.default.temporaryDirectory.appendingPathComponent("rf-hook-bench-\(UUID().uuidString)")
            .path
        try! WorkstationCache(directory: cache).storePolicy(policy)
        let arguments = HookProcess.Arguments(agent: .claudeCode, cache: cache, failClosed: [.credentialExfiltration])
        let environment = ["HOME": "/home/bench", "USER": "bench"]
        var next = 0
        Benchmark("hook, \(name): read cache, decide, answer, queue the event") { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(HookProcess.run(arguments, input: inputs[next % inputs.count], environment: environment))
                next &+= 1
            }
            // Keep the queue from growing across runs.
            try? FileManager.default.removeItem(atPath: WorkstationCache(directory: cache).queuePath)
        }
    }

    // The repository context (issue 17): from a directory four levels inside a working
    // tree to the repository's slug — stat calls up the tree, reading the config, the slug.
    let repository = FileManager.default.temporaryDirectory.appendingPathComponent("rf-repo-bench-\(UUID().uuidString)")
    let deep = repository.appendingPathComponent("src/a/b/c").path
    try! FileManager.default.createDirectory(atPath: deep, withIntermediateDirectories: true)
    try! FileManager.default.createDirectory(
        atPath: repository.appendingPathComponent(".git").path, withIntermediateDirectories: true)
    try! Data("[core]\n\tbare = false\n[remote \"origin\"]\n\turl = git@github.com:acme/api.git\n".utf8).write(
        to: repository.appendingPathComponent(".git/config"))
    Benchmark("repository of a directory four levels deep, and its slug") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(GitRepository.containing(deep)?.slug)
        }
    }
}
