import Foundation

/// A resolution as a plain, `Codable` document: what `ringfence resolve --format json`
/// prints and what stored resolutions keep.
public struct ResolutionDocument: Sendable, Hashable, Codable {
    public struct RuleEntry: Sendable, Hashable, Codable {
        public var pack: String
        public var packVersion: Int
        public var id: String
        public var match: [String]
        public var level: Level
        public var uncappedLevel: Level
        public var risk: Rule.Risk
        public var description: String
        public var assignment: String
        /// The floor that raised the rule (rule 7a), in words.
        public var floor: String?
        /// The exception or hold that lowered it (rule 7b), by id.
        public var adjustment: String?
    }

    public struct SurfaceEntry: Sendable, Hashable, Codable {
        public var surface: String
        public var level: Level
        public var uncappedLevel: Level
        public var winningAssignment: String?
        /// The floor that set the surface's level (rule 7a), in words.
        public var floor: String?
        public var rules: [RuleEntry]
    }

    /// The repository entry: trust, owner, managed and where they came from.
    public struct RepositoryEntry: Sendable, Hashable, Codable {
        public var slug: String
        public var trust: RepoTrust
        public var owner: String?
        public var managed: Bool
        public var source: String
    }

    public var user: String
    /// The groups and roles the context was resolved with (roles include mapped ones).
    public var groups: [String]?
    public var roles: [String]?
    public var repository: RepositoryEntry?
    public var ring: Int
    public var ringSource: String
    public var etag: String
    public var revision: Int64
    public var at: Date
    public var surfaces: [SurfaceEntry]
    /// Present when asked for.
    public var trace: [TraceLine]?
}

extension Resolution {
    /// The resolution as a document; `includeTrace` adds the full trace.
    public func document(includeTrace: Bool) -> ResolutionDocument {
        ResolutionDocument(
            user: context.user, groups: context.groups, roles: snapshot.effectiveRoles(context),
            repository: repository.map {
                .init(
                    slug: $0.slug, trust: $0.trust, owner: $0.owner, managed: $0.managed, source: $0.source.description)
            },
            ring: ring.number, ringSource: ringSource.description, etag: etag, revision: revision,
            at: context.at,
            surfaces: surfaces.map { surface in
                .init(
                    surface: surface.surface.rawValue, level: surface.level, uncappedLevel: surface.uncappedLevel,
                    winningAssignment: surface.winningAssignment, floor: surface.decidingFloor?.description,
                    rules: surface.rules.map {
                        .init(
                            pack: $0.pack, packVersion: $0.packVersion, id: $0.rule.id, match: $0.rule.match,
                            level: $0.level,
                            uncappedLevel: $0.uncappedLevel, risk: $0.rule.risk, description: $0.rule.description,
                            assignment: $0.assignment, floor: $0.floor?.description, adjustment: $0.adjustment?.id)
                    })
            },
            trace: includeTrace ? traceLines : nil)
    }
}
