import Foundation

/// "Pack P (version V, or the latest) applies with priority N to contexts matching S",
/// plus optional per-surface level overrides and a validity window.
public struct Assignment: Sendable, Hashable, Codable {
    /// Which version of the pack.
    public enum PackVersionReference: Sendable, Hashable, Codable {
        /// The highest version in the revision.
        case latest
        /// A fixed version.
        case exact(Int)
    }

    /// Unique id within a revision, e.g. `payments-shell-warn`.
    public var id: String
    /// The pack; nil for an assignment made of overrides only.
    public var pack: String?
    /// Which version of the pack.
    public var version: PackVersionReference
    /// Higher wins.
    public var priority: Int
    /// Which contexts it applies to.
    public var selector: Selector
    /// Per-surface levels that replace the levels of this and lower-ranked assignments'
    /// rules (docs/resolution.md, rule 6). `off` is an exemption.
    public var overrides: [Surface: Level]
    /// Start of validity (inclusive).
    public var validFrom: Date?
    /// End of validity (exclusive).
    public var validUntil: Date?
    /// Why the assignment exists.
    public var description: String

    /// Creates an assignment.
    public init(
        id: String, pack: String? = nil, version: PackVersionReference = .latest, priority: Int,
        selector: Selector = Selector(), overrides: [Surface: Level] = [:],
        validFrom: Date? = nil, validUntil: Date? = nil, description: String = ""
    ) {
        self.id = id
        self.pack = pack
        self.version = version
        self.priority = priority
        self.selector = selector
        self.overrides = overrides
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.description = description
    }

    /// Rank order: priority descending, then id ascending (docs/resolution.md, rule 3).
    public static func ranksBefore(_ lhs: Assignment, _ rhs: Assignment) -> Bool {
        lhs.priority != rhs.priority ? lhs.priority > rhs.priority : lhs.id < rhs.id
    }
}
