/// Compares what a host reports of its managed files with what the server last served
/// it: the drifted files, named `agent/file` (`agent/*` when the host reports only the
/// digest of the set).
///
/// An agent the host no longer reports, or that reports nothing about its files, is not
/// judged: drift is a file that is there but differs, or was served and is gone — or a
/// managed source the agent reads instead of the served files (`agent/overridden-by:PATH`).
public struct DriftCheck: Sendable {
    /// What the server served, by agent kind.
    public var served: [String: ManagedFiles]

    public init(served: [String: ManagedFiles]) {
        self.served = served
    }

    /// What a host reports of one agent.
    public struct Report: Sendable, Hashable {
        public var agent: String
        /// The digest of the set; empty when not reported.
        public var digest: String
        /// Per-file hashes, when the host sends them ("" for a missing file).
        public var files: [String: String]
        /// Managed sources the agent reads instead of the served files.
        public var precedenceSources: [String]

        public init(agent: String, digest: String, files: [String: String] = [:], precedenceSources: [String] = []) {
            self.agent = agent
            self.digest = digest
            self.files = files
            self.precedenceSources = precedenceSources
        }
    }

    /// How a drift entry names a source that takes precedence over the served files:
    /// `claude-code/overridden-by:/Library/Managed Preferences/com.anthropic.claudecode.plist`.
    public static let overriddenPrefix = "overridden-by:"

    /// Drifted files, sorted.
    public func drifted(_ reports: [Report]) -> [String] {
        var drifted: [String] = []
        for report in reports {
            guard let expected = served[report.agent] else { continue }
            if !report.files.isEmpty {
                for (name, hash) in expected.hashes where report.files[name].map({ $0.lowercased() != hash }) ?? false {
                    drifted.append("\(report.agent)/\(name)")
                }
                // A file served but not listed by a host that lists files is gone.
                for name in expected.hashes.keys where report.files[name] == nil {
                    drifted.append("\(report.agent)/\(name)")
                }
            } else if !report.digest.isEmpty, report.digest.lowercased() != expected.digest {
                drifted.append("\(report.agent)/*")
            }
            // Served files another managed source takes precedence over may not apply.
            for source in report.precedenceSources {
                drifted.append("\(report.agent)/\(Self.overriddenPrefix)\(source)")
            }
        }
        return drifted.sorted()
    }
}
