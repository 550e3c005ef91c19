import Foundation

/// The `host_id` every authenticated request carries. docs/protocol.md: it must be the
/// host the API key belongs to; an empty or malformed id is invalid input (whether it is
/// the *caller's* host is an authorization question, answered by the server).
public enum WireHostID {
    /// The id a request names.
    public static func parse(_ text: String, field: String = "host_id") throws(WireError) -> UUID {
        guard !text.isEmpty else {
            throw WireError(field: field, problem: "is empty; it must be the id of the host the API key belongs to")
        }
        guard let id = UUID(uuidString: text) else {
            throw WireError(field: field, problem: "'\(text.prefix(64))' is not a UUID")
        }
        return id
    }
}
