import GRPCCore

/// Text an agent sends that PostgreSQL cannot store: a NUL character. Refused as invalid
/// input up front, so it is the caller's error (INVALID_ARGUMENT or a rejected event), not
/// a database failure reported as UNAVAILABLE that a client would retry for ever.
enum TextCheck {
    /// Whether a text holds a NUL character.
    static func hasNUL(_ text: String) -> Bool { text.utf8.contains(0) }

    /// Throws INVALID_ARGUMENT naming the first field holding a NUL.
    static func require(_ fields: [(name: String, value: String)]) throws(RPCError) {
        if let field = fields.first(where: { hasNUL($0.value) }) {
            throw RPCError(code: .invalidArgument, message: "\(field.name) contains a NUL character")
        }
    }
}
