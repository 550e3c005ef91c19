/// A JSON value whose objects keep the order their keys were written in, printed the
/// same way every time: the native files Ringfence renders are compared byte for byte
/// (golden files, drift hashes), so their text must not depend on a dictionary's order.
public indirect enum JSONText: Sendable, Hashable {
    case string(String)
    case number(Int)
    case bool(Bool)
    case array([JSONText])
    /// Keys in the order given.
    case object([(String, JSONText)])

    /// Pretty-printed with two spaces, a newline at the end.
    public var rendered: String {
        var output = ""
        write(into: &output, indent: 0)
        output.append("\n")
        return output
    }

    /// On one line, no spaces: for hook answers.
    public var compact: String {
        var output = ""
        write(into: &output, indent: nil)
        return output
    }

    private func write(into output: inout String, indent: Int?) {
        switch self {
        case .string(let text): Self.quote(text, into: &output)
        case .number(let value): output.append(String(value))
        case .bool(let value): output.append(value ? "true" : "false")
        case .array(let items):
            guard !items.isEmpty else {
                output.append("[]")
                return
            }
            output.append("[")
            for (index, item) in items.enumerated() {
                if index > 0 { output.append(",") }
                Self.newline(into: &output, indent: indent.map { $0 + 1 })
                item.write(into: &output, indent: indent.map { $0 + 1 })
            }
            Self.newline(into: &output, indent: indent)
            output.append("]")
        case .object(let members):
            guard !members.isEmpty else {
                output.append("{}")
                return
            }
            output.append("{")
            for (index, (key, value)) in members.enumerated() {
                if index > 0 { output.append(",") }
                Self.newline(into: &output, indent: indent.map { $0 + 1 })
                Self.quote(key, into: &output)
                output.append(indent == nil ? ":" : ": ")
                value.write(into: &output, indent: indent.map { $0 + 1 })
            }
            Self.newline(into: &output, indent: indent)
            output.append("}")
        }
    }

    private static func newline(into output: inout String, indent: Int?) {
        guard let indent else { return }
        output.append("\n")
        output.append(String(repeating: "  ", count: indent))
    }

    /// A JSON string literal (RFC 8259): quotes, backslashes and control characters escaped.
    static func quote(_ text: String, into output: inout String) {
        output.append("\"")
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output.append("\\\"")
            case "\\": output.append("\\\\")
            case "\n": output.append("\\n")
            case "\r": output.append("\\r")
            case "\t": output.append("\\t")
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output.append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
            default: output.unicodeScalars.append(scalar)
            }
        }
        output.append("\"")
    }

    public static func == (lhs: JSONText, rhs: JSONText) -> Bool { lhs.compact == rhs.compact }
    public func hash(into hasher: inout Hasher) { hasher.combine(compact) }
}
