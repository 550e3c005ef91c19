import Foundation

/// Reads TOML (v1.0.0, <https://toml.io/en/v1.0.0>, read 2026-12-02) into Foundation
/// values, for the agents that keep their configuration in it (Codex's `config.toml`).
/// Pure: text in, a dictionary out (`String`, `Bool`, `Int`, `Double`, `[Any]`,
/// `[String: Any]`); dates and times are kept as their text. Tables, arrays of tables,
/// dotted and quoted keys, inline tables, multi-line arrays and all four string forms
/// are read; a document that breaks the grammar is refused with its line.
public enum TOMLReader {
    /// Why a document was refused, and where.
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// The document's top-level table.
    public static func parse(_ text: String) throws(Failure) -> [String: Any] {
        var parser = Parser(bytes: Array(text.utf8))
        return try parser.document().foundation as? [String: Any] ?? [:]
    }

    indirect enum Value {
        case string(String)
        case bool(Bool)
        case integer(Int)
        case float(Double)
        case array([Value])
        case table([String: Value])

        var foundation: Any {
            switch self {
            case .string(let text): text
            case .bool(let flag): flag
            case .integer(let number): number
            case .float(let number): number
            case .array(let values): values.map(\.foundation)
            case .table(let table): table.mapValues(\.foundation)
            }
        }
    }

    struct Parser {
        let bytes: [UInt8]
        var index = 0
        var line = 1

        init(bytes: [UInt8]) { self.bytes = bytes }

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        func fail(_ reason: String) -> Failure { Failure(line: line, reason: reason) }

        mutating func advance() {
            if current == UInt8(ascii: "\n") { line += 1 }
            index += 1
        }

        mutating func skipSpaces() {
            while let byte = current, byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { advance() }
        }

        /// Spaces, then a comment, then the end of the line (or of the document).
        mutating func endOfLine() throws(Failure) {
            skipSpaces()
            if current == UInt8(ascii: "#") { while let byte = current, byte != UInt8(ascii: "\n") { advance() } }
            if current == UInt8(ascii: "\r") { advance() }
            guard current == nil || current == UInt8(ascii: "\n") else { throw fail("expected the end of the line") }
            if current != nil { advance() }
        }

        /// Blank lines, spaces, newlines and comments (inside arrays and between statements).
        mutating func skipBlank() {
            while let byte = current {
                if byte == UInt8(ascii: "#") {
                    while let next = current, next != UInt8(ascii: "\n") { advance() }
                } else if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
                    || byte == UInt8(ascii: "\r")
                {
                    advance()
                } else {
                    return
                }
            }
        }

        mutating func document() throws(Failure) -> Value {
            var root: [String: Value] = [:]
            var table: [String] = []
            while true {
                skipBlank()
                guard let byte = current else { break }
                if byte == UInt8(ascii: "[") {
                    advance()
                    let isArray = current == UInt8(ascii: "[")
                    if isArray { advance() }
                    skipSpaces()
                    table = try key()
                    skipSpaces()
                    for _ in 0..<(isArray ? 2 : 1) {
                        guard current == UInt8(ascii: "]") else { throw fail("a table header must end with ]") }
                        advance()
                    }
                    try Self.open(table, array: isArray, in: &root, line: line)
                } else {
                    let path = try key()
                    skipSpaces()
                    guard current == UInt8(ascii: "=") else { throw fail("expected = after the key") }
                    advance()
                    skipSpaces()
                    let assigned = try value()
                    try Self.assign(assigned, at: table + path, in: &root, line: line)
                }
                try endOfLine()
            }
            return .table(root)
        }

        /// A key: bare or quoted parts joined by dots.
        mutating func key() throws(Failure) -> [String] {
            var parts: [String] = []
            repeat {
                skipSpaces()
                if current == UInt8(ascii: "\"") || current == UInt8(ascii: "'") {
                    guard case .string(let part) = try value() else { throw fail("a key must be a string") }
                    parts.append(part)
                } else {
                    let start = index
                    while let byte = current, Self.isBare(byte) { advance() }
                    guard index > start else { throw fail("expected a key") }
                    parts.append(String(decoding: bytes[start..<index], as: UTF8.self))
                }
                skipSpaces()
                guard current == UInt8(ascii: ".") else { break }
                advance()
            } while true
            return parts
        }

        static func isBare(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "-")
        }

        mutating func value() throws(Failure) -> Value {
            switch current {
            case UInt8(ascii: "\""): return .string(try string(quote: UInt8(ascii: "\""), escapes: true))
            case UInt8(ascii: "'"): return .string(try string(quote: UInt8(ascii: "'"), escapes: false))
            case UInt8(ascii: "["):
                advance()
                var values: [Value] = []
                while true {
                    skipBlank()
                    if current == UInt8(ascii: "]") { break }
                    values.append(try value())
                    skipBlank()
                    if current == UInt8(ascii: ",") {
                        advance()
                    } else if current != UInt8(ascii: "]") {
                        throw fail("expected , or ] in an array")
                    }
                }
                advance()
                return .array(values)
            case UInt8(ascii: "{"):
                advance()
                var table: [String: Value] = [:]
                skipSpaces()
                while current != UInt8(ascii: "}") {
                    let path = try key()
                    guard current == UInt8(ascii: "=") else { throw fail("expected = in an inline table") }
                    advance()
                    skipSpaces()
                    try Self.assign(try value(), at: path, in: &table, line: line)
                    skipSpaces()
                    if current == UInt8(ascii: ",") {
                        advance()
                        skipSpaces()
                    } else if current != UInt8(ascii: "}") {
                        throw fail("expected , or } in an inline table")
                    }
                }
                advance()
                return .table(table)
            case nil: throw fail("expected a value")
            default: return try scalar()
            }
        }

        /// A boolean, number or date/time: the text up to a delimiter.
        mutating func scalar() throws(Failure) -> Value {
            let start = index
            while let byte = current, byte != UInt8(ascii: ","), byte != UInt8(ascii: "]"), byte != UInt8(ascii: "}"),
                byte != UInt8(ascii: "#"), byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "\r")
            {
                advance()
            }
            let text = String(decoding: bytes[start..<index], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            if text == "true" { return .bool(true) }
            if text == "false" { return .bool(false) }
            let digits = text.replacingOccurrences(of: "_", with: "")
            for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where digits.hasPrefix(prefix) {
                if let number = Int(digits.dropFirst(2), radix: radix) { return .integer(number) }
            }
            if let number = Int(digits) { return .integer(number) }
            if let number = Double(digits) { return .float(number) }
            switch digits {
            case "inf", "+inf": return .float(.infinity)
            case "-inf": return .float(-.infinity)
            case "nan", "+nan", "-nan": return .float(.nan)
            default: break
            }
            guard let first = text.first, first.isNumber else { throw fail("not a TOML value: \(text.prefix(40))") }
            return .string(text)  // a date or time
        }

        /// A basic (`"`, escapes) or literal (`'`) string, single- or multi-line.
        mutating func string(quote: UInt8, escapes: Bool) throws(Failure) -> String {
            advance()
            var multiLine = false
            if current == quote, index + 1 < bytes.count, bytes[index + 1] == quote {
                advance()
                advance()
                multiLine = true
                if current == UInt8(ascii: "\r") { advance() }
                if current == UInt8(ascii: "\n") { advance() }
            } else if current == quote {
                advance()
                return ""
            }
            var result: [UInt8] = []
            while true {
                guard let byte = current else { throw fail("a string is not closed") }
                if byte == quote {
                    if !multiLine {
                        advance()
                        break
                    }
                    // In a run of three to five quotes the last three close the string.
                    let run = quotesAfter()
                    if run >= 3 {
                        result += Array(repeating: quote, count: min(run - 3, 2))
                        for _ in 0..<run { advance() }
                        break
                    }
                }
                if byte == UInt8(ascii: "\n") && !multiLine { throw fail("a string is not closed on its line") }
                if escapes && byte == UInt8(ascii: "\\") {
                    advance()
                    try escape(into: &result, multiLine: multiLine)
                    continue
                }
                result.append(byte)
                advance()
            }
            return String(decoding: result, as: UTF8.self)
        }

        /// Quotes from here on (to end a multi-line string at its last three).
        func quotesAfter() -> Int {
            var count = 0
            while index + count < bytes.count, bytes[index + count] == bytes[index] { count += 1 }
            return count
        }

        mutating func escape(into result: inout [UInt8], multiLine: Bool) throws(Failure) {
            guard let byte = current else { throw fail("a string is not closed") }
            let simple: [UInt8: UInt8] = [
                UInt8(ascii: "b"): 8, UInt8(ascii: "t"): 9, UInt8(ascii: "n"): 10, UInt8(ascii: "f"): 12,
                UInt8(ascii: "r"): 13, UInt8(ascii: "\""): UInt8(ascii: "\""), UInt8(ascii: "\\"): UInt8(ascii: "\\"),
            ]
            if let replacement = simple[byte] {
                result.append(replacement)
                advance()
            } else if byte == UInt8(ascii: "u") || byte == UInt8(ascii: "U") {
                let length = byte == UInt8(ascii: "u") ? 4 : 8
                advance()
                guard index + length <= bytes.count,
                    let code = UInt32(String(decoding: bytes[index..<index + length], as: UTF8.self), radix: 16),
                    let scalar = Unicode.Scalar(code)
                else { throw fail("a \\u escape must name a Unicode scalar value") }
                result += Array(String(Character(scalar)).utf8)
                for _ in 0..<length { advance() }
            } else if multiLine
                && (byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
                    || byte == UInt8(ascii: "\n"))
            {
                // A line-ending backslash: the newline and the whitespace after it go.
                skipBlankKeepingComments()
            } else {
                throw fail("unknown escape \\\(Character(Unicode.Scalar(byte)))")
            }
        }

        mutating func skipBlankKeepingComments() {
            while let byte = current,
                byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
                    || byte == UInt8(ascii: "\r")
            {
                advance()
            }
        }

        /// Starts `[path]` or a new element of `[[path]]`.
        static func open(_ path: [String], array: Bool, in root: inout [String: Value], line: Int) throws(Failure) {
            try update(path[...], in: &root, line: line) { (slot: inout Value?) throws(Failure) in
                switch (slot, array) {
                case (nil, false): slot = .table([:])
                case (nil, true): slot = .array([.table([:])])
                case (.array(var elements), true):
                    elements.append(.table([:]))
                    slot = .array(elements)
                case (.table, false): break  // a table named again to add to it (or defined by dotted keys)
                default: throw Failure(line: line, reason: "\(path.joined(separator: ".")) is already defined")
                }
            }
        }

        static func assign(_ value: Value, at path: [String], in root: inout [String: Value], line: Int) throws(Failure)
        {
            try update(path[...], in: &root, line: line) { (slot: inout Value?) throws(Failure) in
                guard slot == nil else {
                    throw Failure(line: line, reason: "\(path.joined(separator: ".")) is defined twice")
                }
                slot = value
            }
        }

        /// Walks `path` through tables (and the last element of arrays of tables), creating
        /// tables on the way, and lets `body` change the slot at its end.
        static func update(
            _ path: ArraySlice<String>, in table: inout [String: Value], line: Int,
            _ body: (inout Value?) throws(Failure) -> Void
        ) throws(Failure) {
            guard let first = path.first else { return }
            if path.count == 1 {
                var slot = table[first]
                try body(&slot)
                table[first] = slot
                return
            }
            switch table[first] ?? .table([:]) {
            case .table(var child):
                try update(path.dropFirst(), in: &child, line: line, body)
                table[first] = .table(child)
            case .array(var elements):
                guard case .table(var child)? = elements.last else {
                    throw Failure(line: line, reason: "\(first) is an array, not a table")
                }
                try update(path.dropFirst(), in: &child, line: line, body)
                elements[elements.count - 1] = .table(child)
                table[first] = .array(elements)
            default:
                throw Failure(line: line, reason: "\(first) is a value, not a table")
            }
        }
    }
}
