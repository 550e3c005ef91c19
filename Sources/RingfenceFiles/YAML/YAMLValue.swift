import Foundation
import RingfenceCore
import Yams

/// A YAML node together with where it came from, for strict reading with precise errors.
///
/// Reading is strict: mappings may hold only the keys the reader asks for (so a typo such
/// as `priorty` is an error, not a silently ignored key), scalars are read as written
/// (`off` is the level, not YAML 1.1's boolean), and each failure becomes a
/// ``FileProblem`` with file, line and field path. Errors are collected, not thrown,
/// so one run reports every problem of a file. Policy files and every section of the
/// configuration file are read with it.
public struct YAMLValue {
    public let node: Node
    public let file: String
    public let path: String
    public let errors: ErrorSink

    /// Collects errors while reading.
    public final class ErrorSink {
        public var errors: [FileProblem] = []
        public init() {}
    }

    public init(node: Node, file: String, path: String, errors: ErrorSink) {
        self.node = node
        self.file = file
        self.path = path
        self.errors = errors
    }

    public var line: Int { node.mark?.line ?? 0 }

    /// The same node reported under another field path (a problem found after reading,
    /// named by its key).
    public func at(path: String) -> YAMLValue {
        YAMLValue(node: node, file: file, path: path, errors: errors)
    }

    /// Records that the mapping here lacks `key`, under the key's own path
    /// (`reports.out: missing required key 'out' (…)`).
    public func missing(_ key: String, _ hint: String = "") {
        at(path: path.isEmpty ? key : path + "." + key).fail(
            "missing required key '\(key)'" + (hint.isEmpty ? "" : " (\(hint))"))
    }

    /// Records a problem at this value.
    public func fail(_ message: String) {
        errors.errors.append(FileProblem(file: file, line: line, path: path, message: message))
    }

    private func child(_ node: Node, _ component: String) -> YAMLValue {
        YAMLValue(node: node, file: file, path: path.isEmpty ? component : path + "." + component, errors: errors)
    }

    private func element(_ node: Node, _ index: Int) -> YAMLValue {
        YAMLValue(node: node, file: file, path: path + "[\(index)]", errors: errors)
    }

    // MARK: - Mappings

    /// The mapping's keys and values; reports a non-mapping and keys outside `allowed`.
    public func mapping(allowed: [String]) -> [String: YAMLValue]? {
        guard let mapping = node.mapping else {
            fail("expected a mapping with keys \(allowed.joined(separator: ", "))")
            return nil
        }
        var result: [String: YAMLValue] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                fail("mapping keys must be plain text")
                continue
            }
            let entry = child(value, name)
            guard allowed.contains(name) else {
                let suggestion = allowed.min { editDistance($0, name) < editDistance($1, name) }
                let hint =
                    suggestion.map { editDistance($0, name) <= max(2, name.count / 4) ? "; did you mean '\($0)'?" : "" }
                    ?? ""
                YAMLValue(node: key, file: file, path: entry.path, errors: errors)
                    .fail("unknown key '\(name)'\(hint) (allowed: \(allowed.joined(separator: ", ")))")
                continue
            }
            if result[name] != nil {
                entry.fail("key '\(name)' appears twice")
            }
            result[name] = entry
        }
        return result
    }

    // MARK: - Scalars

    /// The scalar text as written.
    public func string() -> String? {
        guard let scalar = node.scalar else {
            fail("expected a text value")
            return nil
        }
        return scalar.string
    }

    /// A non-empty scalar.
    public func nonEmptyString() -> String? {
        guard let text = string() else { return nil }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            fail("must not be empty")
            return nil
        }
        return text
    }

    public func int(in range: ClosedRange<Int>? = nil) -> Int? {
        guard let text = string() else { return nil }
        guard let value = Int(text) else {
            fail("expected a whole number, got '\(text)'")
            return nil
        }
        if let range, !range.contains(value) {
            fail("\(value) is out of range \(range.lowerBound)...\(range.upperBound)")
            return nil
        }
        return value
    }

    /// A value of a string-backed enumeration, naming the choices on error.
    public func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type) -> T? where T.RawValue == String {
        guard let text = string() else { return nil }
        guard let value = T(rawValue: text) else {
            fail("unknown value '\(text)'; expected one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return value
    }

    public func level() -> Level? { choice(Level.self) }

    public func ring() -> Ring? {
        guard let number = int(), let ring = Ring(number: number) else {
            if node.scalar.map({ Int($0.string) != nil }) == true { fail("unknown ring; expected 1, 2, 3 or 4") }
            return nil
        }
        return ring
    }

    public func surface() -> Surface? {
        guard let text = string() else { return nil }
        guard let surface = Surface(rawValue: text) else {
            fail("invalid surface '\(text)'; surfaces are lowercase words joined by '_' (e.g. risky_shell)")
            return nil
        }
        return surface
    }

    /// An RFC 3339 / ISO 8601 timestamp such as `2026-11-01T00:00:00Z`.
    public func date() -> Date? {
        guard let text = string() else { return nil }
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        fail("expected a timestamp like 2026-11-01T00:00:00Z, got '\(text)'")
        return nil
    }

    // MARK: - Sequences

    /// The elements; a single scalar is accepted as a one-element list.
    public func list() -> [YAMLValue]? {
        if let sequence = node.sequence {
            return sequence.enumerated().map { element($1, $0) }
        }
        if node.scalar != nil { return [self] }
        fail("expected a list")
        return nil
    }

    public func list<T>(_ read: (YAMLValue) -> T?) -> [T] {
        (list() ?? []).compactMap(read)
    }

    /// A number (integer or decimal), optionally within a range.
    public func double(in range: ClosedRange<Double>? = nil) -> Double? {
        guard let text = string() else { return nil }
        guard let value = Double(text), value.isFinite else {
            fail("expected a number, got '\(text)'")
            return nil
        }
        if let range, !range.contains(value) {
            fail("\(text) is out of range \(range.lowerBound.formatted())...\(range.upperBound.formatted())")
            return nil
        }
        return value
    }

    /// `true` or `false` (YAML 1.1's yes/no/on/off are not booleans here).
    public func bool() -> Bool? {
        guard let text = string() else { return nil }
        switch text {
        case "true": return true
        case "false": return false
        default:
            fail("expected true or false, got '\(text)'")
            return nil
        }
    }

    /// The value under a dotted key path (`users.filter`), if written; reports nothing.
    public func value(at keyPath: String) -> YAMLValue? {
        var current: YAMLValue? = self
        for key in keyPath.split(separator: ".").map(String.init) {
            guard let value = current, let mapping = value.node.mapping, let next = mapping[key] else { return nil }
            current = value.child(next, key)
        }
        return current
    }

    /// A mapping whose keys are free (names chosen by the user), with values in order.
    public func entries() -> [(key: String, value: YAMLValue)]? {
        guard let mapping = node.mapping else {
            fail("expected a mapping")
            return nil
        }
        var result: [(key: String, value: YAMLValue)] = []
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                fail("mapping keys must be plain text")
                continue
            }
            result.append((name, child(value, name)))
        }
        return result
    }
}

extension YAMLValue {
    /// The first document of a YAML text read as the value at `path` (an empty mapping
    /// when the text holds none); syntax errors become located problems.
    public static func root(of text: String, file: String, path: String, errors: ErrorSink) -> YAMLValue {
        let node = documents(text, file: file, errors: errors).first?.node ?? Node.mapping([:])
        return YAMLValue(node: node, file: file, path: path, errors: errors)
    }

    /// The documents of a YAML text; a syntax error becomes a located problem.
    public static func documents(_ text: String, file: String, errors: ErrorSink) -> [YAMLValue] {
        var result: [YAMLValue] = []
        do {
            // compose_all's sequence stops at a syntax error and keeps it, rather than throwing.
            var documents = try Yams.compose_all(yaml: text)
            while let document = documents.next() {
                result.append(YAMLValue(node: document, file: file, path: "", errors: errors))
            }
            if let error = documents.error { throw error }
        } catch let error as YamlError {
            errors.errors.append(
                FileProblem(file: file, line: error.line ?? 0, path: "", message: "not valid YAML: \(error.summary)"))
        } catch {
            errors.errors.append(FileProblem(file: file, line: 0, path: "", message: "not valid YAML: \(error)"))
        }
        return result
    }
}

/// Levenshtein distance, for "did you mean" hints.
func editDistance(_ lhs: String, _ rhs: String) -> Int {
    let a = Array(lhs)
    let b = Array(rhs)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}

extension YamlError {
    var line: Int? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: nil
        }
    }

    var summary: String {
        switch self {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        default: "\(self)"
        }
    }
}
