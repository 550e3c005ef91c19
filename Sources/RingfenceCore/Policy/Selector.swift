/// Which contexts an assignment applies to. Every field that is set must match; a field
/// left empty matches everything. See docs/resolution.md, rule 4.
public struct Selector: Sendable, Hashable, Codable {
    /// Directory groups (nested membership counts).
    public var groups: [String]
    /// Roles (from the directory or role mappings).
    public var roles: [String]
    /// Rings of the host.
    public var hostRings: [Ring]
    /// Host tags.
    public var hostTags: [String]
    /// Repository slug globs.
    public var repos: [String]
    /// Repository trust levels.
    public var repoTrust: [RepoTrust]
    /// Agent kinds.
    public var agents: [String]
    /// Surfaces the assignment acts on.
    public var surfaces: [Surface]
    /// Risk classes of the rules the assignment acts on: its pack brings in only rules of
    /// these classes and its overrides change only them (docs/resolution.md, rule 6).
    /// Narrows what the assignment does; never a reason for it not to match.
    public var risks: [Rule.Risk]

    /// Creates a selector; the empty selector matches every context.
    public init(
        groups: [String] = [], roles: [String] = [], hostRings: [Ring] = [], hostTags: [String] = [],
        repos: [String] = [], repoTrust: [RepoTrust] = [], agents: [String] = [], surfaces: [Surface] = [],
        risks: [Rule.Risk] = []
    ) {
        self.groups = groups
        self.roles = roles
        self.hostRings = hostRings
        self.hostTags = hostTags
        self.repos = repos
        self.repoTrust = repoTrust
        self.agents = agents
        self.surfaces = surfaces
        self.risks = risks
    }

    /// Whether the selector aims at somebody or something (groups, roles, repositories,
    /// trust, surfaces or risk classes); in ring 3 only targeted rules may warn or block.
    public var isTargeted: Bool {
        !groups.isEmpty || !roles.isEmpty || !repos.isEmpty || !repoTrust.isEmpty || !surfaces.isEmpty
            || !risks.isEmpty
    }

    /// The selector fields that decide whether an assignment matches, in the order the
    /// trace reports the first mismatch (`risks` only narrows and is not among them).
    public enum Field: String, Sendable, Hashable, CaseIterable, Codable {
        case groups, roles, hostRings, hostTags, repos, repoTrust, agents, surfaces
    }
}

extension Selector {
    private enum CodingKeys: String, CodingKey {
        case groups, roles, hostRings, hostTags, repos, repoTrust, agents, surfaces, risks
    }

    /// Decodes a selector; `risks` is absent from revisions stored before risk selectors.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            groups: try container.decode([String].self, forKey: .groups),
            roles: try container.decode([String].self, forKey: .roles),
            hostRings: try container.decode([Ring].self, forKey: .hostRings),
            hostTags: try container.decode([String].self, forKey: .hostTags),
            repos: try container.decode([String].self, forKey: .repos),
            repoTrust: try container.decode([RepoTrust].self, forKey: .repoTrust),
            agents: try container.decode([String].self, forKey: .agents),
            surfaces: try container.decode([Surface].self, forKey: .surfaces),
            risks: try container.decodeIfPresent([Rule.Risk].self, forKey: .risks) ?? [])
    }

    /// Encodes a selector; `risks` only when set, so older revisions' JSON is unchanged.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(groups, forKey: .groups)
        try container.encode(roles, forKey: .roles)
        try container.encode(hostRings, forKey: .hostRings)
        try container.encode(hostTags, forKey: .hostTags)
        try container.encode(repos, forKey: .repos)
        try container.encode(repoTrust, forKey: .repoTrust)
        try container.encode(agents, forKey: .agents)
        try container.encode(surfaces, forKey: .surfaces)
        if !risks.isEmpty { try container.encode(risks, forKey: .risks) }
    }
}
