import GRPCCore

/// Text an agent sends that PostgreSQL cannot store: a NUL character. Refused as invalid
/// input up front, so it is the caller's error (INVALID_ARGUMENT or a rejected event), not
/// a database failure reported as UNAVAILABLE that a client would retry for ever.
enum TextCheck {
    /// The name of the first field holding a NUL, if any.
    static func firstNUL(_ fields: [(name: String, value: String)]) -> String? {
        fields.first { $0.value.utf8.contains(0) }?.name
    }

    /// Throws INVALID_ARGUMENT naming the first field holding a NUL.
    static func require(_ fields: [(name: String, value: String)]) throws(RPCError) {
        if let name = firstNUL(fields) {
            throw RPCError(code: .invalidArgument, message: "\(name) contains a NUL character")
        }
    }
}
