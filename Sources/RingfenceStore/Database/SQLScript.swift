/// Splits a SQL script into the statements PostgreSQL must receive one at a time.
///
/// postgres-nio speaks the extended query protocol, which takes one statement per
/// message, while migration files hold many. `SQLScript` cuts a file at top-level
/// semicolons and understands everything in PostgreSQL's lexical grammar that can hide
/// a semicolon: `--` and nested `/* */` comments, single-quoted strings (with `''`
/// and, for `E'…'`, backslash escapes), double-quoted identifiers and dollar-quoted
/// bodies (`$$ … $$`, `$fn$ … $fn$`).
///
/// ```swift
/// let script = SQLScript("CREATE TABLE a (x int); -- note; \n SELECT ';'")
/// script.statements   // ["CREATE TABLE a (x int)", "-- note; \n SELECT ';'"]
/// ```
///
/// Statements keep their comments; statements that hold nothing but comments and
/// white space are dropped.
public struct SQLScript: Sendable, Hashable {
    /// The script text.
    public let text: String

    /// Creates a script from its text.
    public init(_ text: String) {
        self.text = text
    }

    /// The statements of the script in order, without their terminating semicolons.
    public var statements: [String] {
        let bytes = Array(text.utf8)
        var statements: [String] = []
        var start = 0
        var index = 0
        var hasContent = false

        func flush(upTo end: Int) {
            if hasContent, let statement = String(validating: bytes[start..<end], as: UTF8.self) {
                statements.append(statement.trimmingWhitespace())
            }
            hasContent = false
        }

        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "-") where next(bytes, index) == UInt8(ascii: "-"):
                index = skipLineComment(bytes, from: index)
                continue
            case UInt8(ascii: "/") where next(bytes, index) == UInt8(ascii: "*"):
                index = skipBlockComment(bytes, from: index)
                continue
            case UInt8(ascii: "'"):
                let escapes =
                    index > 0 && (bytes[index - 1] | 0x20) == UInt8(ascii: "e")
                    && !isIdentifierByte(index > 1 ? bytes[index - 2] : 0)
                index = skipQuoted(bytes, from: index, quote: UInt8(ascii: "'"), backslashEscapes: escapes)
                hasContent = true
                continue
            case UInt8(ascii: "\""):
                index = skipQuoted(bytes, from: index, quote: UInt8(ascii: "\""), backslashEscapes: false)
                hasContent = true
                continue
            case UInt8(ascii: "$"):
                if let end = skipDollarQuoted(bytes, from: index) {
                    index = end
                    hasContent = true
                    continue
                }
            case UInt8(ascii: ";"):
                flush(upTo: index)
                start = index + 1
                index += 1
                continue
            default:
                break
            }
            if !isWhitespace(byte) { hasContent = true }
            index += 1
        }
        flush(upTo: bytes.count)
        return statements
    }
}

private func next(_ bytes: [UInt8], _ index: Int) -> UInt8? {
    index + 1 < bytes.count ? bytes[index + 1] : nil
}

private func isWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C
}

private func isIdentifierByte(_ byte: UInt8) -> Bool {
    (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A)
        || byte == UInt8(ascii: "_") || byte >= 0x80
}

private func skipLineComment(_ bytes: [UInt8], from start: Int) -> Int {
    var index = start
    while index < bytes.count, bytes[index] != 0x0A { index += 1 }
    return index
}

private func skipBlockComment(_ bytes: [UInt8], from start: Int) -> Int {
    var depth = 0
    var index = start
    while index < bytes.count {
        if bytes[index] == UInt8(ascii: "/"), next(bytes, index) == UInt8(ascii: "*") {
            depth += 1
            index += 2
        } else if bytes[index] == UInt8(ascii: "*"), next(bytes, index) == UInt8(ascii: "/") {
            depth -= 1
            index += 2
            if depth == 0 { return index }
        } else {
            index += 1
        }
    }
    return index
}

private func skipQuoted(_ bytes: [UInt8], from start: Int, quote: UInt8, backslashEscapes: Bool) -> Int {
    var index = start + 1
    while index < bytes.count {
        let byte = bytes[index]
        if backslashEscapes, byte == UInt8(ascii: "\\") {
            index += 2
        } else if byte == quote {
            if next(bytes, index) == quote {
                index += 2
            } else {
                return index + 1
            }
        } else {
            index += 1
        }
    }
    return index
}

/// Returns the index after the closing tag, or nil when `$` does not open a dollar quote
/// (a positional parameter such as `$1`, or a `$` inside an identifier).
private func skipDollarQuoted(_ bytes: [UInt8], from start: Int) -> Int? {
    if start > 0, isIdentifierByte(bytes[start - 1]) { return nil }
    var tagEnd = start + 1
    while tagEnd < bytes.count, bytes[tagEnd] != UInt8(ascii: "$") {
        let byte = bytes[tagEnd]
        let isDigit = byte >= 0x30 && byte <= 0x39
        guard isIdentifierByte(byte), !(isDigit && tagEnd == start + 1) else { return nil }
        tagEnd += 1
    }
    guard tagEnd < bytes.count else { return nil }
    let tag = bytes[start...tagEnd]
    var index = tagEnd + 1
    while index + tag.count <= bytes.count {
        if bytes[index] == UInt8(ascii: "$"), bytes[index..<(index + tag.count)].elementsEqual(tag) {
            return index + tag.count
        }
        index += 1
    }
    return bytes.count
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
