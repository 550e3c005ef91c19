/// The checks every text field from an agent goes through: present when required, within
/// its limit (UTF-8 bytes), and free of NUL characters, which PostgreSQL cannot store (a
/// NUL refused here is the caller's error, INVALID_ARGUMENT, not a database failure a
/// client would retry for ever).
public enum WireText {
    /// Whether a text holds a NUL character.
    public static func hasNUL(_ text: String) -> Bool { text.utf8.contains(0) }

    /// The problem with `value` as a field of at most `limit` bytes, or nil.
    public static func problem(_ value: String, limit: Int, required: Bool = false) -> String? {
        if required && value.isEmpty { return "is empty" }
        if value.utf8.count > limit { return "is longer than \(limit) bytes" }
        if hasNUL(value) { return "contains a NUL character" }
        return nil
    }

    /// Throws the `WireError` for `field` when `value` breaks its rules.
    public static func check(_ value: String, _ field: String, limit: Int, required: Bool = false) throws(WireError) {
        if let problem = problem(value, limit: limit, required: required) {
            throw WireError(field: field, problem: problem)
        }
    }

    /// Throws when a list has more than `limit` entries.
    public static func checkCount(_ count: Int, _ field: String, limit: Int) throws(WireError) {
        if count > limit {
            throw WireError(field: field, problem: "has \(count) entries; at most \(limit) are accepted")
        }
    }
}
