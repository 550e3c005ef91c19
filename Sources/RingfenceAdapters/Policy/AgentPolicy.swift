import RingfenceCore

/// The policy one agent enforces, detached from the snapshot it was resolved from: per
/// surface the applied and uncapped levels and the effective rules.
///
/// The server builds it from a `Resolution` to render native files; a workstation keeps
/// it as the hook's cache (`policy.rfp`, see `binary`; `policy.json`), so it is `Codable` and carries who it was
/// resolved for.
public struct AgentPolicy: Sendable, Hashable, Codable {
    /// One rule as the agent applies it.
    public struct Rule: Sendable, Hashable, Codable {
        public var pack: String
        public var packVersion: Int
        public var id: String
        public var match: [String]
        /// Level applied (after overrides and the ring's cap).
        public var level: Level
        /// Level without the ring's cap.
        public var uncappedLevel: Level
        public var risk: RingfenceCore.Rule.Risk
        public var description: String

        public init(
            pack: String, packVersion: Int, id: String, match: [String], level: Level, uncappedLevel: Level,
            risk: RingfenceCore.Rule.Risk, description: String
        ) {
            self.pack = pack
            self.packVersion = packVersion
            self.id = id
            self.match = match
            self.level = level
            self.uncappedLevel = uncappedLevel
            self.risk = risk
            self.description = description
        }
    }

    /// The rules of one surface, in the resolution's order (pack, rule id).
    public struct SurfacePolicy: Sendable, Hashable, Codable {
        public var surface: Surface
        public var level: Level
        public var uncappedLevel: Level
        public var rules: [Rule]

        public init(surface: Surface, level: Level, uncappedLevel: Level, rules: [Rule]) {
            self.surface = surface
            self.level = level
            self.uncappedLevel = uncappedLevel
            self.rules = rules
        }
    }

    /// The repository a policy was resolved for, as policy classifies it.
    public struct Repository: Sendable, Hashable, Codable {
        public var slug: String
        public var trust: RepoTrust
        /// Whether the company manages it; the hook applies `unmanaged_repo` rules when not.
        public var managed: Bool

        public init(slug: String, trust: RepoTrust, managed: Bool) {
            self.slug = slug
            self.trust = trust
            self.managed = managed
        }
    }

    /// Directory user it was resolved for.
    public var user: String
    public var ring: Int
    public var revision: Int64
    public var etag: String
    /// The repository it was resolved for; nil for work outside any repository.
    public var repository: Repository?
    public var surfaces: [SurfacePolicy]
    /// The approved MCP server catalogue: who `unapproved_mcp_server` rules leave alone, what
    /// the agents' native allowlists hold, and how an MCP server known only by its command
    /// or URL (Cursor) is named.
    public var mcpServers: [ApprovedMcpServer]

    public init(
        user: String, ring: Int, revision: Int64, etag: String, repository: Repository? = nil,
        surfaces: [SurfacePolicy], mcpServers: [ApprovedMcpServer] = []
    ) {
        self.mcpServers = mcpServers
        self.user = user
        self.ring = ring
        self.revision = revision
        self.etag = etag
        self.repository = repository
        self.surfaces = surfaces.sorted { $0.surface < $1.surface }
    }

    /// The policy of a resolution.
    public init(_ resolution: Resolution) {
        self.init(
            user: resolution.context.user, ring: resolution.ring.number, revision: resolution.revision,
            etag: resolution.etag,
            repository: resolution.repository.map { Repository(slug: $0.slug, trust: $0.trust, managed: $0.managed) },
            surfaces: resolution.surfaces.map { surface in
                SurfacePolicy(
                    surface: surface.surface, level: surface.level, uncappedLevel: surface.uncappedLevel,
                    rules: surface.rules.map {
                        Rule(
                            pack: $0.pack, packVersion: $0.packVersion, id: $0.rule.id, match: $0.rule.match,
                            level: $0.level,
                            uncappedLevel: $0.uncappedLevel, risk: $0.rule.risk, description: $0.rule.description)
                    })
            }, mcpServers: resolution.mcpServers)
    }

    enum CodingKeys: String, CodingKey {
        case user, ring, revision, etag, repository, surfaces, mcpServers
    }

    /// Decodes JSON; `mcpServers` may be absent (files written before the catalogue).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            user: try container.decode(String.self, forKey: .user), ring: try container.decode(Int.self, forKey: .ring),
            revision: try container.decode(Int64.self, forKey: .revision),
            etag: try container.decode(String.self, forKey: .etag),
            repository: try container.decodeIfPresent(Repository.self, forKey: .repository),
            surfaces: try container.decode([SurfacePolicy].self, forKey: .surfaces),
            mcpServers: try container.decodeIfPresent([ApprovedMcpServer].self, forKey: .mcpServers) ?? [])
    }

    /// The rules of a surface; empty when the policy says nothing about it.
    public func rules(of surface: Surface) -> [Rule] {
        surfaces.first { $0.surface == surface }?.rules ?? []
    }
}
