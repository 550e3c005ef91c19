/// SQL `LIKE` patterns from user text: `%`, `_` and the escape character `\` are matched
/// literally (used with `ESCAPE '\'`), so a search for `a_b` finds only `a_b`.
enum LikePattern {
    /// The pattern of the values that start with `text`.
    static func prefix(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped + "%"
    }
}
