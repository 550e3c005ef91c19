/// Every problem found in a configuration file, each located like a policy-file problem
/// (`ringfence.yaml:12 directory.groups.memberAttribute: expected a text value`). Nothing
/// runs with a configuration that has one.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The problems, in line order.
    public var problems: [FileProblem]

    public init(_ problems: [FileProblem]) {
        self.problems = problems.sorted { ($0.file, $0.line, $0.path) < ($1.file, $1.line, $1.path) }
    }

    public var description: String {
        (["\(problems.count) problem\(problems.count == 1 ? "" : "s") in the configuration:"]
            + problems.map { "  " + $0.description })
            .joined(separator: "\n")
    }
}
