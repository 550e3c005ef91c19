import Foundation
import Yams

/// A YAML node together with where it came from, for strict reading with precise errors.
///
/// Reading is strict: mappings may hold only the keys the reader asks for (so a typo such
/// as `priorty` is an error, not a silently ignored key), scalars are read as written
/// (`off` is the level, not YAML 1.1's boolean), and each failure becomes a
/// ``PolicyFileError`` with file, line and field path. Errors are collected, not thrown,
/// so one run reports every problem of a file.
struct YAMLValue {
    let node: Node
    let file: String
    let path: String
    let errors: ErrorSink

    /// Collects errors while reading.
    final class ErrorSink {
        var errors: [PolicyFileError] = []
    }

    var line: Int { node.mark?.line ?? 0 }

    func fail(_ message: String) {
        errors.errors.append(PolicyFileError(file: file, line: line, path: path, message: message))
    }

    private func child(_ node: Node, _ component: String) -> YAMLValue {
        YAMLValue(node: node, file: file, path: path.isEmpty ? component : path + "." + component, errors: errors)
    }

    private func element(_ node: Node, _ index: Int) -> YAMLValue {
        YAMLValue(node: node, file: file, path: path + "[\(index)]", errors: errors)
    }

    // MARK: - Mappings

    /// The mapping's keys and values; reports a non-mapping and keys outside `allowed`.
    func mapping(allowed: [String]) -> [String: YAMLValue]? {
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
                let hint = suggestion.map { editDistance($0, name) <= 2 ? "; did you mean '\($0)'?" : "" } ?? ""
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
    func string() -> String? {
        guard let scalar = node.scalar else {
            fail("expected a text value")
            return nil
        }
        return scalar.string
    }

    /// A non-empty scalar.
    func nonEmptyString() -> String? {
        guard let text = string() else { return nil }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            fail("must not be empty")
            return nil
        }
        return text
    }

    func int(in range: ClosedRange<Int>? = nil) -> Int? {
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
    func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type) -> T? where T.RawValue == String {
        guard let text = string() else { return nil }
        guard let value = T(rawValue: text) else {
            fail("unknown value '\(text)'; expected one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return value
    }

    func level() -> Level? { choice(Level.self) }

    func ring() -> Ring? {
        guard let number = int(), let ring = Ring(number: number) else {
            if node.scalar.map({ Int($0.string) != nil }) == true { fail("unknown ring; expected 1, 2, 3 or 4") }
            return nil
        }
        return ring
    }

    func surface() -> Surface? {
        guard let text = string() else { return nil }
        guard let surface = Surface(rawValue: text) else {
            fail("invalid surface '\(text)'; surfaces are lowercase words joined by '_' (e.g. risky_shell)")
            return nil
        }
        return surface
    }

    /// An RFC 3339 / ISO 8601 timestamp such as `2026-11-01T00:00:00Z`.
    func date() -> Date? {
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
    func list() -> [YAMLValue]? {
        if let sequence = node.sequence {
            return sequence.enumerated().map { element($1, $0) }
        }
        if node.scalar != nil { return [self] }
        fail("expected a list")
        return nil
    }

    func list<T>(_ read: (YAMLValue) -> T?) -> [T] {
        (list() ?? []).compactMap(read)
    }
}

/// Levenshtein distance, for "did you mean" hints.
func editDistance(_ lhs: String, _ rhs: String) -> Int {
    let a = Array(lhs), b = Array(rhs)
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
