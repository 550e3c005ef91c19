/// The tokenizer and recursive-descent parser behind `ScimFilter.parse` and
/// `ScimPatchPath.parse`.
struct ScimFilterParser {
    enum Token: Equatable {
        case word(String)
        case string(String)
        case open, close, openBracket, closeBracket
    }

    var tokens: [Token] = []
    var position = 0
    var failure: ScimError?

    init(_ text: String) {
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character.isWhitespace {
                index = text.index(after: index)
            } else if let single = [Character("("): Token.open, ")": .close, "[": .openBracket, "]": .closeBracket][
                character]
            {
                tokens.append(single)
                index = text.index(after: index)
            } else if character == "\"" {
                // A JSON string: read to the closing quote, then decode its escapes as JSON.
                var end = text.index(after: index)
                var escaped = false
                while end < text.endIndex, escaped || text[end] != "\"" {
                    escaped = !escaped && text[end] == "\\"
                    end = text.index(after: end)
                }
                guard end < text.endIndex else {
                    failure = ScimError.invalidFilter("a string is not closed")
                    return
                }
                let literal = String(text[index...end])
                guard case .string(let value)? = try? ScimJSON.parse(Array(literal.utf8)) else {
                    failure = ScimError.invalidFilter("the string \(literal.prefix(40)) is not a JSON string")
                    return
                }
                tokens.append(.string(value))
                index = text.index(after: end)
            } else {
                var end = index
                while end < text.endIndex, !text[end].isWhitespace, !"()[]\"".contains(text[end]) {
                    end = text.index(after: end)
                }
                tokens.append(.word(String(text[index..<end])))
                index = end
            }
        }
    }

    var atEnd: Bool { failure == nil && position >= tokens.count }

    func describeNext() -> String {
        guard position < tokens.count else { return "the end" }
        switch tokens[position] {
        case .word(let word): return "'\(word.prefix(40))'"
        case .string(let text): return "\"\(text.prefix(40))\""
        case .open: return "'('"
        case .close: return "')'"
        case .openBracket: return "'['"
        case .closeBracket: return "']'"
        }
    }

    mutating func keyword(_ name: String) -> Bool {
        guard position < tokens.count, case .word(let word) = tokens[position], word.lowercased() == name else {
            return false
        }
        position += 1
        return true
    }

    mutating func expect(_ token: Token, _ what: String) throws(ScimError) {
        guard position < tokens.count, tokens[position] == token else {
            throw ScimError.invalidFilter("expected \(what), found \(describeNext())")
        }
        position += 1
    }

    mutating func filter() throws(ScimError) -> ScimFilter {
        if let failure { throw failure }
        var left = try conjunction()
        while keyword("or") { left = .or(left, try conjunction()) }
        return left
    }

    mutating func conjunction() throws(ScimError) -> ScimFilter {
        var left = try unary()
        while keyword("and") { left = .and(left, try unary()) }
        return left
    }

    mutating func unary() throws(ScimError) -> ScimFilter {
        if keyword("not") {
            try expect(.open, "'(' after not")
            let inner = try filter()
            try expect(.close, "')'")
            return .not(inner)
        }
        if position < tokens.count, tokens[position] == .open {
            position += 1
            let inner = try filter()
            try expect(.close, "')'")
            return inner
        }
        let path = try attributePath()
        if position < tokens.count, tokens[position] == .openBracket {
            position += 1
            let inner = try filter()
            try expect(.closeBracket, "']'")
            return .valuePath(path, inner)
        }
        if keyword("pr") { return .present(path) }
        guard position < tokens.count, case .word(let word) = tokens[position],
            let op = ScimFilter.Operator(rawValue: word.lowercased())
        else {
            throw ScimError.invalidFilter(
                "expected an operator (eq, ne, co, sw, ew, gt, lt, ge, le, pr) after \(path), found \(describeNext())")
        }
        position += 1
        return .compare(path, op, try comparisonValue())
    }

    mutating func attributePath() throws(ScimError) -> ScimAttributePath {
        guard position < tokens.count, case .word(let word) = tokens[position] else {
            throw ScimError.invalidFilter("expected an attribute, found \(describeNext())")
        }
        position += 1
        do {
            return try ScimAttributePath(parsing: word)
        } catch {
            throw ScimError.invalidFilter(error.detail)
        }
    }

    mutating func comparisonValue() throws(ScimError) -> ScimJSON {
        guard position < tokens.count else { throw ScimError.invalidFilter("expected a value, found the end") }
        defer { position += 1 }
        switch tokens[position] {
        case .string(let text): return .string(text)
        case .word(let word):
            switch word.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            default:
                guard let number = Double(word), number.isFinite else {
                    throw ScimError.invalidFilter(
                        "\(word.prefix(40)) is not a value (a quoted string, number, true, false or null)")
                }
                return .number(number)
            }
        default: throw ScimError.invalidFilter("expected a value, found \(describeNext())")
        }
    }
}
