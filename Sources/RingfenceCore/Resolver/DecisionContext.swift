import Foundation

/// The facts of one policy decision: who, on which host, in which repository, with which
/// agent, about which surfaces, and when. See docs/resolution.md, "Inputs".
///
/// Names are normalized (lower-cased, trimmed, deduplicated) once, here, so resolving
/// many surfaces or many times costs nothing extra.
public struct DecisionContext: Sendable, Hashable {
    /// Directory user name.
    public var user: String
    /// Groups including nested ones, normalized.
    public private(set) var groups: [String]
    /// Directory roles, normalized.
    public private(set) var roles: [String]
    /// The host's own ring, if set.
    public var hostRing: Ring?
    /// Host tags, normalized.
    public private(set) var hostTags: [String]
    /// Repository slug, if any.
    public var repo: String?
    /// Repository trust, if known.
    public var trust: RepoTrust?
    /// Agent kind, normalized; empty when unknown.
    public private(set) var agent: String
    /// Surfaces to resolve; empty = all the snapshot knows.
    public var surfaces: [Surface]
    /// The moment of the decision.
    public var at: Date

    /// Creates a context.
    public init(
        user: String, groups: [String] = [], roles: [String] = [], hostRing: Ring? = nil,
        hostTags: [String] = [], repo: String? = nil, trust: RepoTrust? = nil, agent: String = "",
        surfaces: [Surface] = [], at: Date
    ) {
        self.user = user
        self.groups = Self.normalized(groups)
        self.roles = Self.normalized(roles)
        self.hostRing = hostRing
        self.hostTags = Self.normalized(hostTags)
        self.repo = repo.flatMap { $0.isEmpty ? nil : $0 }
        self.trust = trust
        self.agent = Self.normalize(agent)
        self.surfaces = surfaces
        self.at = at
    }

    /// Lower-cased, trimmed, without empties and duplicates, sorted: how names (users,
    /// groups, roles, tags) are compared everywhere.
    public static func normalized(_ names: [String]) -> [String] {
        Array(Set(names.map(normalize).filter { !$0.isEmpty })).sorted()
    }

    /// One name lower-cased and trimmed.
    public static func normalize(_ name: String) -> String {
        // Foundation's trimming is slow and this runs for every group of every fetch:
        // only call it when an end is whitespace.
        let trimmed =
            name.first?.isWhitespace == true || name.last?.isWhitespace == true
            ? name.trimmingCharacters(in: .whitespaces) : name
        return trimmed.lowercased()
    }
}
