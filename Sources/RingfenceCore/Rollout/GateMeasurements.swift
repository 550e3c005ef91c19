/// What the gates of one group are judged on, measured by the store over a window: its
/// members and their hosts, the week's block candidates and exception backlog.
public struct GateMeasurements: Sendable, Hashable, Codable {
    /// Members (nested groups included).
    public var members: Int
    /// Members with at least one host that reported within the stale threshold.
    public var membersConnected: Int
    /// The members' hosts that reported within the stale threshold.
    public var hostsConnected: Int
    /// Of those, hosts whose every agent has the hook installed and no managed file drifted.
    public var hostsHooked: Int
    /// Distinct (member, UTC day) pairs with at least one event in the window.
    public var activePersonDays: Int
    /// Block-candidate events of members in the window.
    public var blockCandidates: Int
    /// The rule that made candidates of most members in the window.
    public var noisiestRule: NoisyRule?
    /// Pending exception requests by members.
    public var openExceptions: Int

    /// A rule and how many members it made candidates of.
    public struct NoisyRule: Sendable, Hashable, Codable {
        public var pack: String
        public var rule: String
        public var users: Int

        public init(pack: String, rule: String, users: Int) {
            self.pack = pack
            self.rule = rule
            self.users = users
        }
    }

    /// Creates measurements.
    public init(
        members: Int, membersConnected: Int, hostsConnected: Int, hostsHooked: Int, activePersonDays: Int,
        blockCandidates: Int, noisiestRule: NoisyRule?, openExceptions: Int
    ) {
        self.members = members
        self.membersConnected = membersConnected
        self.hostsConnected = hostsConnected
        self.hostsHooked = hostsHooked
        self.activePersonDays = activePersonDays
        self.blockCandidates = blockCandidates
        self.noisiestRule = noisiestRule
        self.openExceptions = openExceptions
    }
}
