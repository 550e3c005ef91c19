/// One rule of a pack: on a surface, actions matching these patterns get this level.
public struct Rule: Sendable, Hashable, Codable {
    /// Risk class of what the rule guards against, ordered `low < medium < high < critical`.
    /// Selectors can aim at risk classes and floors keep a class at a minimum level
    /// (docs/resolution.md, rules 6 and 7a).
    public enum Risk: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
        case low, medium, high, critical

        /// Position in the order, 0...3 (also the bit of the class in a risk mask).
        public var rank: Int {
            switch self {
            case .low: 0
            case .medium: 1
            case .high: 2
            case .critical: 3
            }
        }

        public static func < (lhs: Risk, rhs: Risk) -> Bool { lhs.rank < rhs.rank }
    }

    /// Unique within its pack, e.g. `RS-12`.
    public var id: String
    /// The surface the rule governs.
    public var surface: Surface
    /// What the rule matches: path globs (`sensitive_path_read`), command patterns
    /// (`risky_shell`, `credential_exfiltration`), MCP tool names (`mcp_tool`), repository
    /// globs (`unmanaged_repo`).
    public var match: [String]
    /// The level the pack gives the rule (`observe`, `warn` or `block`).
    public var level: Level
    /// Risk class.
    public var risk: Risk
    /// Shown to the user when the rule warns or blocks.
    public var description: String

    /// Creates a rule.
    public init(id: String, surface: Surface, match: [String], level: Level, risk: Risk, description: String = "") {
        self.id = id
        self.surface = surface
        self.match = match
        self.level = level
        self.risk = risk
        self.description = description
    }
}
