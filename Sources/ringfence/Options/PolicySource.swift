import ArgumentParser
import Foundation
import RingfenceCore

/// `--policy DIR`: policy read from YAML files.
struct PolicySource: ParsableArguments {
    @Option(name: .customLong("policy"), help: "Directory of policy YAML files (packs, assignments, mappings).")
    var directory: String

    /// The directory's policy, compiled.
    func load() throws -> (LoadedPolicy, PolicySnapshot) {
        let policy = try PolicyFiles.load(directory: URL(fileURLWithPath: directory))
        return (policy, try PolicySnapshot(bundle: policy.bundle))
    }
}
