import Foundation

/// A time-bounded change to one rule's level for a narrow scope, published as part of a
/// policy revision by Ringfence itself rather than written in policy files: an approved
/// **exception** (one user, one repository) or a **hold** (one group) (docs/resolution.md,
/// rule 7b).
///
/// An adjustment only lowers: the rule's level becomes at most ``level``. Floors still
/// hold, except that an exception may go below a floor whose `exceptions` are `allowed`.
public struct RuleAdjustment: Sendable, Hashable, Codable {
    /// What made it.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// An approved exception request (scope: ``user`` and ``repo``).
        case exception
        /// A hold after a promotion (scope: ``group``).
        case hold
    }

    /// Unique within a revision, e.g. `exception-12`.
    public var id: String
    /// Exception or hold.
    public var kind: Kind
    /// The rule: pack name and rule id.
    public var pack: String
    public var rule: String
    /// The highest level the rule keeps in scope (`observe` keeps recording matches).
    public var level: Level
    /// The user an exception is for (compared case-insensitively).
    public var user: String?
    /// The repository slug an exception is for (compared exactly, after folding case).
    public var repo: String?
    /// The group a hold is for (nested membership counts).
    public var group: String?
    /// Start (inclusive) and end (exclusive) of validity.
    public var validFrom: Date?
    public var validUntil: Date?
    /// Who approved it (or `ringfence` for an automatic hold).
    public var actor: String
    /// The exception request it came from.
    public var request: Int64?
    /// Why, in words.
    public var reason: String

    /// Creates an adjustment.
    public init(
        id: String, kind: Kind, pack: String, rule: String, level: Level, user: String? = nil, repo: String? = nil,
        group: String? = nil, validFrom: Date? = nil, validUntil: Date? = nil, actor: String, request: Int64? = nil,
        reason: String = ""
    ) {
        self.id = id
        self.kind = kind
        self.pack = pack
        self.rule = rule
        self.level = level
        self.user = user
        self.repo = repo
        self.group = group
        self.validFrom = validFrom
        self.validUntil = validUntil
        self.actor = actor
        self.request = request
        self.reason = reason
    }

    /// Whether it is in force at a moment.
    public func isValid(at moment: Date) -> Bool {
        (validFrom.map { moment >= $0 } ?? true) && (validUntil.map { moment < $0 } ?? true)
    }

    /// The problems of its scope, empty when it is well formed.
    public var problems: [String] {
        var problems: [String] = []
        switch kind {
        case .exception:
            if user?.isEmpty ?? true { problems.append("exception \(id) names no user") }
            if repo?.isEmpty ?? true { problems.append("exception \(id) names no repository") }
            if group != nil { problems.append("exception \(id) names a group; exceptions are for one user") }
            if validUntil == nil { problems.append("exception \(id) has no end") }
        case .hold:
            if group?.isEmpty ?? true { problems.append("hold \(id) names no group") }
            if user != nil || repo != nil {
                problems.append("hold \(id) names a user or repository; holds are for a group")
            }
        }
        if let from = validFrom, let until = validUntil, from >= until {
            problems.append("\(kind.rawValue) \(id) has validFrom at or after validUntil")
        }
        return problems
    }
}
