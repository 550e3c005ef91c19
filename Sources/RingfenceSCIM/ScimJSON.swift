import Foundation

/// A JSON value as SCIM bodies carry it, `Sendable` and comparable, read with the limits a
/// service provider facing the internet needs: at most `maxDepth` levels of nesting
/// (checked on the bytes before any parser sees them) and valid UTF-8 only. Attribute
/// names are case-insensitive in SCIM (RFC 7643 §2.1), so objects are read with
/// `subscript(attribute:)`.
public enum ScimJSON: Sendable, Hashable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([ScimJSON])
    case object([String: ScimJSON])

    /// Nesting allowed in a request body (SCIM resources need four).
    public static let maxDepth = 32

    /// The value of a request body; `invalidSyntax` for anything that is not JSON within
    /// the limits.
    public static func parse(_ bytes: [UInt8]) throws(ScimError) -> ScimJSON {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            throw ScimError.invalidSyntax("the body is not valid UTF-8")
        }
        var depth = 0
        var inString = false
        var escaped = false
        for byte in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                depth += 1
                if depth > maxDepth { throw ScimError.invalidSyntax("the body nests deeper than \(maxDepth) levels") }
            } else if byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") {
                depth -= 1
            }
        }
        let value: ScimJSON
        do {
            value = try JSONDecoder().decode(ScimJSON.self, from: Data(bytes))
        } catch {
            throw ScimError.invalidSyntax("the body is not JSON")
        }
        // No attribute of SCIM holds a NUL character, and PostgreSQL stores no text with one.
        guard !value.containsNUL else { throw ScimError.invalidValue("a NUL character is not allowed in text") }
        return value
    }

    /// Whether a string or an object key anywhere in the value holds a NUL character.
    var containsNUL: Bool {
        switch self {
        case .string(let text): text.contains("\u{0}")
        case .array(let values): values.contains { $0.containsNUL }
        case .object(let fields): fields.contains { $0.key.contains("\u{0}") || $0.value.containsNUL }
        case .null, .bool, .number: false
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let values = try? container.decode([ScimJSON].self) {
            self = .array(values)
        } else {
            self = .object(try container.decode([String: ScimJSON].self))
        }
    }

    /// The member of an object whose name equals `name` ignoring case (nil when none, or
    /// not an object).
    public subscript(attribute name: String) -> ScimJSON? {
        guard case .object(let members) = self else { return nil }
        if let exact = members[name] { return exact }
        return members.first { $0.key.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    public var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// A boolean, also when sent as the strings "True"/"False" in any case (Microsoft
    /// Entra ID does: docs/scim.md, "Provider quirks").
    public var lenientBool: Bool? {
        switch self {
        case .bool(let flag): return flag
        case .string(let text) where text.lowercased() == "true": return true
        case .string(let text) where text.lowercased() == "false": return false
        default: return nil
        }
    }

    public var array: [ScimJSON]? {
        if case .array(let values) = self { return values }
        return nil
    }

    public var isNull: Bool { self == .null }

    /// The body as UTF-8 JSON, keys sorted.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        write(into: &out)
        return out
    }

    func write(into out: inout [UInt8]) {
        switch self {
        case .null: out += Array("null".utf8)
        case .bool(let flag): out += Array((flag ? "true" : "false").utf8)
        case .number(let number):
            if number.rounded() == number && abs(number) < 1e15 {
                out += Array(String(Int64(number)).utf8)
            } else {
                out += Array(String(number).utf8)
            }
        case .string(let text): Self.writeString(text, into: &out)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                value.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                members[key]?.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += Array("\\\"".utf8)
            case "\\": out += Array("\\\\".utf8)
            case "\n": out += Array("\\n".utf8)
            case "\r": out += Array("\\r".utf8)
            case "\t": out += Array("\\t".utf8)
            case _ where scalar.value < 0x20:
                out += Array(String(format: "\\u%04x", scalar.value).utf8)
            default: out += Array(String(scalar).utf8)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
