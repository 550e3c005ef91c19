import Foundation

/// The checks of the admin API's inputs that the generated code does not make (ranges and
/// lengths the document declares); a failing one is a 400 problem naming the field.
enum AdminInput {
    /// A page size: 1…500, 50 when absent.
    static func limit(_ value: Int?) throws(AdminFailure) -> Int {
        guard let value else { return 50 }
        guard (1...AdminLimits.maxPage).contains(value) else {
            throw .badRequest("limit must be 1 to \(AdminLimits.maxPage), got \(value)")
        }
        return value
    }

    /// The stale threshold in seconds: 60 s … one year, one day when absent.
    static func staleAfter(_ value: Int?) throws(AdminFailure) -> TimeInterval {
        guard let value else { return 86_400 }
        guard (60...31_536_000).contains(value) else {
            throw .badRequest("staleAfterSeconds must be 60 to 31536000, got \(value)")
        }
        return TimeInterval(value)
    }

    /// Whether text has at most `max` characters as JSON Schema's `maxLength` counts them:
    /// Unicode code points (a flag emoji is two), not Swift's grapheme clusters.
    static func fits(_ value: String, max: Int) -> Bool { value.unicodeScalars.count <= max }

    /// Optional text of at most `max` characters; empty counts as absent.
    static func text(_ value: String?, _ field: String, max: Int) throws(AdminFailure) -> String? {
        guard let value, !value.isEmpty else { return nil }
        guard fits(value, max: max) else { throw .badRequest("\(field) is longer than \(max) characters") }
        return value
    }

    /// Required text of 1…`max` characters.
    static func required(_ value: String, _ field: String, max: Int) throws(AdminFailure) -> String {
        guard let text = try text(value, field, max: max) else { throw .badRequest("\(field) must not be empty") }
        return text
    }
}
