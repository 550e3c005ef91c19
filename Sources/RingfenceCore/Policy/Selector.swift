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

    /// Creates a selector; the empty selector matches every context.
    public init(
        groups: [String] = [], roles: [String] = [], hostRings: [Ring] = [], hostTags: [String] = [],
        repos: [String] = [], repoTrust: [RepoTrust] = [], agents: [String] = [], surfaces: [Surface] = []
    ) {
        self.groups = groups
        self.roles = roles
        self.hostRings = hostRings
        self.hostTags = hostTags
        self.repos = repos
        self.repoTrust = repoTrust
        self.agents = agents
        self.surfaces = surfaces
    }

    /// Whether the selector aims at somebody or something (groups, roles, repositories,
    /// trust or surfaces); in ring 3 only targeted rules may warn or block.
    public var isTargeted: Bool {
        !groups.isEmpty || !roles.isEmpty || !repos.isEmpty || !repoTrust.isEmpty || !surfaces.isEmpty
    }

    /// The selector fields, in the order the trace reports the first mismatch.
    public enum Field: String, Sendable, Hashable, CaseIterable, Codable {
        case groups, roles, hostRings, hostTags, repos, repoTrust, agents, surfaces
    }
}
