import Foundation

/// A SCIM filter (RFC 7644 §3.4.2.2), parsed: the whole grammar — `eq ne co sw ew gt lt ge
/// le pr`, `and`, `or`, `not ( … )`, parentheses and value paths (`emails[type eq
/// "work"]`) — with `not` binding tighter than `and`, and `and` tighter than `or`.
/// Operators and attribute names are case-insensitive. Pure: `parse` reads the text,
/// `matches` evaluates against a resource's JSON, `equalities` names the simple form
/// (`a eq "x" and b eq "y"`) a store can answer from an index.
public indirect enum ScimFilter: Sendable, Hashable {
    case compare(ScimAttributePath, Operator, ScimJSON)
    case present(ScimAttributePath)
    case and(ScimFilter, ScimFilter)
    case or(ScimFilter, ScimFilter)
    case not(ScimFilter)
    /// `attribute[filter]`: some value of a multi-valued attribute matches the filter.
    case valuePath(ScimAttributePath, ScimFilter)

    public enum Operator: String, Sendable, Hashable, CaseIterable {
        case eq, ne, co, sw, ew, gt, lt, ge, le
    }

    /// Longest filter text accepted.
    public static let maxLength = 4_096

    /// The filter `text` says; `invalidFilter` naming what is wrong.
    public static func parse(_ text: String) throws(ScimError) -> ScimFilter {
        guard text.utf8.count <= maxLength else {
            throw ScimError.invalidFilter("the filter is longer than \(maxLength) bytes")
        }
        var parser = ScimFilterParser(text)
        let filter = try parser.filter()
        guard parser.atEnd else {
            throw ScimError.invalidFilter("unexpected \(parser.describeNext()) after the filter")
        }
        return filter
    }

    /// The (attribute, value) pairs of a filter that is one `eq` on a string, or several
    /// joined by `and`; nil for any other filter.
    public var equalities: [(attribute: ScimAttributePath, value: String)]? {
        switch self {
        case .compare(let path, .eq, .string(let value)): return [(path, value)]
        case .and(let left, let right):
            guard let left = left.equalities, let right = right.equalities else { return nil }
            return left + right
        default: return nil
        }
    }

    /// Whether `resource` (a resource's JSON, or one value of a multi-valued attribute)
    /// matches.
    public func matches(_ resource: ScimJSON) -> Bool {
        switch self {
        case .and(let left, let right): return left.matches(resource) && right.matches(resource)
        case .or(let left, let right): return left.matches(resource) || right.matches(resource)
        case .not(let inner): return !inner.matches(resource)
        case .present(let path):
            return path.values(in: resource).contains { value in
                switch value {
                case .null: false
                case .string(let text): !text.isEmpty
                case .array(let values): !values.isEmpty
                default: true
                }
            }
        case .valuePath(let path, let inner):
            return path.values(in: resource).contains { inner.matches($0) }
        case .compare(let path, let op, let expected):
            let values = path.values(in: resource)
            if op == .ne { return !values.contains { Self.compare($0, .eq, expected, caseExact: path.isCaseExact) } }
            return values.contains { Self.compare($0, op, expected, caseExact: path.isCaseExact) }
        }
    }

    static func compare(_ actual: ScimJSON, _ op: Operator, _ expected: ScimJSON, caseExact: Bool) -> Bool {
        switch (actual, expected) {
        case (.string(let a), .string(let b)):
            let left = caseExact ? a : a.lowercased()
            let right = caseExact ? b : b.lowercased()
            switch op {
            case .eq: return left == right
            case .ne: return left != right
            case .co: return left.contains(right)
            case .sw: return left.hasPrefix(right)
            case .ew: return left.hasSuffix(right)
            case .gt: return left > right
            case .lt: return left < right
            case .ge: return left >= right
            case .le: return left <= right
            }
        case (.number(let a), .number(let b)):
            switch op {
            case .eq: return a == b
            case .ne: return a != b
            case .gt: return a > b
            case .lt: return a < b
            case .ge: return a >= b
            case .le: return a <= b
            case .co, .sw, .ew: return false
            }
        case (.bool, _), (_, .bool):
            guard let a = actual.lenientBool, let b = expected.lenientBool else { return false }
            return op == .eq ? a == b : op == .ne ? a != b : false
        case (.null, .null): return op == .eq
        default: return op == .ne
        }
    }
}

/// `[schema ":"] name ["." subAttribute]` (RFC 7644 §3.10): where a filter or a PATCH
/// operation points inside a resource. Names compare ignoring case.
public struct ScimAttributePath: Sendable, Hashable, CustomStringConvertible {
    /// The schema URI when the path names one (`urn:…:enterprise:2.0:User`), else nil.
    public var schema: String?
    public var name: String
    public var subAttribute: String?

    public init(schema: String? = nil, name: String, subAttribute: String? = nil) {
        self.schema = schema
        self.name = name
        self.subAttribute = subAttribute
    }

    /// Reads one path from its text (`userName`, `name.givenName`,
    /// `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`).
    public init(parsing text: String) throws(ScimError) {
        var rest = Substring(text)
        if let colon = text.lastIndex(of: ":") {
            schema = String(text[..<colon])
            rest = text[text.index(after: colon)...]
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ Self.isName($0) }) else {
            throw ScimError.invalidPath("\(text) is not an attribute path")
        }
        name = String(parts[0])
        subAttribute = parts.count == 2 ? String(parts[1]) : nil
    }

    static func isName(_ text: Substring) -> Bool {
        guard let first = text.first, first.isLetter || first == "$" else { return false }
        return text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "$" }
    }

    public var description: String {
        (schema.map { $0 + ":" } ?? "") + name + (subAttribute.map { "." + $0 } ?? "")
    }

    /// Attributes compared exactly (RFC 7643 §4.1.1 and §8.7: `id`, `externalId`, and the
    /// `value` and `$ref` of references); all others ignore case.
    public var isCaseExact: Bool {
        let last = (subAttribute ?? name).lowercased()
        return ["id", "externalid", "value", "$ref"].contains(last)
    }

    /// Whether this path names `attribute` (of `schema`, when both say one).
    public func names(_ attribute: String, schema expected: String? = nil) -> Bool {
        guard name.caseInsensitiveCompare(attribute) == .orderedSame else { return false }
        guard let schema, let expected else { return true }
        return schema.caseInsensitiveCompare(expected) == .orderedSame
    }

    /// The values the path reaches in `json`: the attribute (under its schema's extension
    /// object when the schema is not a core one), then the sub-attribute of it or of each
    /// of its values.
    public func values(in json: ScimJSON) -> [ScimJSON] {
        var base = json
        if let schema, !ScimAttributePath.coreSchemas.contains(schema.lowercased()) {
            guard let extensionObject = json[attribute: schema] else { return [] }
            base = extensionObject
        }
        guard let value = base[attribute: name] else { return [] }
        let top = value.array ?? [value]
        guard let subAttribute else { return top }
        return top.compactMap { $0[attribute: subAttribute] }
    }

    static let coreSchemas: Set<String> = [ScimSchema.user.lowercased(), ScimSchema.group.lowercased()]
}
