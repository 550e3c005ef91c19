/// A problem in a policy or configuration file, located precisely enough to fix it without searching:
/// `assignments.yaml:14 assignments[2].selector.repoTrust: unknown value 'prod'; expected
/// one of sandbox, internal, production, unmanaged`.
public struct FileProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// File name as given to the loader.
    public var file: String
    /// 1-based line, 0 when unknown.
    public var line: Int
    /// Field path inside the document, e.g. `assignments[2].selector.repoTrust`.
    public var path: String
    /// What is wrong and, where possible, what is expected.
    public var message: String

    /// Creates an error.
    public init(file: String, line: Int, path: String, message: String) {
        self.file = file
        self.line = line
        self.path = path
        self.message = message
    }

    public var description: String {
        let location = line > 0 ? "\(file):\(line)" : file
        return path.isEmpty ? "\(location): \(message)" : "\(location) \(path): \(message)"
    }
}

/// Every problem found while loading policy files. Nothing is applied when there is one.
public struct PolicyLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The problems, in file and line order.
    public var errors: [FileProblem]

    /// Creates the error.
    public init(_ errors: [FileProblem]) {
        self.errors = errors.sorted { ($0.file, $0.line, $0.path) < ($1.file, $1.line, $1.path) }
    }

    public var description: String {
        (["\(errors.count) problem\(errors.count == 1 ? "" : "s") in policy files:"]
            + errors.map { "  " + $0.description })
            .joined(separator: "\n")
    }
}
