import Yams

/// The configuration file as read: its sections as strict `YAMLValue`s with the
/// environment overrides applied, and the problems found so far. Each section is then read
/// by its own module (`DirectoryConfiguration.read`, the server's and the reports'
/// sections in the CLI), all reporting into the same list, so one run names every
/// problem of the file with its line.
public struct ConfigurationDocument {
    /// The file's name as shown in problems.
    public let file: String
    /// The sections present, by name (unknown sections are already reported).
    public let sections: [String: YAMLValue]
    /// Where problems are collected.
    public let errors: YAMLValue.ErrorSink
    /// Overridden keys (`database.url`) and the variable that set them.
    let overridden: [String: String]
    let rootNode: Node

    /// Reads `text`, refusing sections outside `allowed`, after applying `overrides` from
    /// `environment`.
    public init(
        text: String, file: String, allowed: [String], environment: [String: String],
        overrides: [EnvironmentOverride] = EnvironmentOverride.all
    ) {
        self.file = file
        errors = YAMLValue.ErrorSink()
        var root = YAMLValue.documents(text, file: file, errors: errors).first?.node ?? Node.mapping([:])
        if case .scalar(let scalar) = root, scalar.string.isEmpty { root = Node.mapping([:]) }  // an empty file
        var overridden: [String: String] = [:]
        if root.mapping != nil {
            for override in overrides {
                guard let value = environment[override.variable] else { continue }
                if override.onlyInPresentSection, let section = override.key.first, root.mapping?[section] == nil {
                    continue
                }
                Self.set(&root, override.key, to: value)
                overridden[override.key.joined(separator: ".")] = override.variable
            }
        }
        self.overridden = overridden
        rootNode = root
        sections = YAMLValue(node: root, file: file, path: "", errors: errors).mapping(allowed: allowed) ?? [:]
    }

    /// Records a problem of the key `path` (`server.listen`) at the place it was written,
    /// or at the nearest section written.
    public func fail(_ path: String, _ message: String) {
        let root = YAMLValue(node: rootNode, file: file, path: "", errors: errors)
        var components = path.split(separator: ".").map(String.init)
        while !components.isEmpty {
            if let value = root.value(at: components.joined(separator: ".")) {
                YAMLValue(node: value.node, file: file, path: path, errors: errors).fail(message)
                return
            }
            components.removeLast()
        }
        errors.errors.append(FileProblem(file: file, line: 0, path: path, message: message))
    }

    /// Throws every problem found, each overridden key named by its variable.
    public func check() throws(ConfigurationError) {
        guard !errors.errors.isEmpty else { return }
        throw ConfigurationError(
            errors.errors.map { problem in
                guard let variable = overridden[problem.path] else { return problem }
                return FileProblem(file: "$\(variable)", line: 0, path: problem.path, message: problem.message)
            })
    }

    /// Sets `key` (a path of mapping keys) to a text, creating mappings on the way.
    static func set(_ node: inout Node, _ key: [String], to value: String) {
        guard let first = key.first else { return }
        var mapping = node.mapping ?? Node.Mapping([])
        if key.count == 1 {
            mapping[first] = Node(value)
        } else {
            var child = mapping[first] ?? Node.mapping([:])
            if child.mapping == nil { child = Node.mapping([:]) }
            set(&child, Array(key.dropFirst()), to: value)
            mapping[first] = child
        }
        node = Node.mapping(mapping)
    }
}
