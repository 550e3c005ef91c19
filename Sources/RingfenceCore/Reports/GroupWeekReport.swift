import Foundation

/// The weekly enforcement-impact report of one directory group: coverage of its people by
/// managed hosts, the audit volume of the week, the noisiest rules, and what moving the
/// group one ring up would change. Every number comes from PostgreSQL aggregations
/// (`ReportQueries`) and the resolver (`NextRingImpact`); renderers only format it.
public struct GroupWeekReport: Sendable, Codable, Equatable {
    /// ISO week, e.g. `2026-W47`.
    public var week: String
    public var group: String
    /// The ring the group is mapped to (1 when no mapping says otherwise).
    public var ring: Int
    /// When the report was made; coverage is as of the end of the week (or now, if earlier).
    public var asOf: Date
    public var coverage: Coverage
    /// The headline coverage figures of the week before, from its recorded report (nil when
    /// none was recorded: the fleet tables keep only current state).
    public var previousCoverage: CoverageHeadline?
    public var volume: Volume
    public var previousVolume: Volume?
    public var noisyRules: [NoisyRule]
    /// Nil when the group is already in ring 4.
    public var nextRing: NextRingImpact.Summary?
    /// Policy revisions in force at some moment of the week, oldest first.
    public var revisions: [Int64]
    /// Hook input of the members' agents not understood this week, most first (nil in
    /// reports recorded before it was counted).
    public var unrecognizedInputs: [UnrecognizedHookInput]?
    /// What the rollout did for the group this week, oldest first (nil in reports recorded
    /// before rollouts).
    public var rollout: [RolloutEvent]?
    /// The group's rule holds in force at the end of the week (nil in older reports).
    public var holds: [RuleAdjustment]?
    /// Who and which hosts the figures are about (nil in older reports).
    public var names: Names?
    /// The revisions in force during the week with who published them and why (nil in
    /// older reports).
    public var revisionNotes: [RevisionNote]?

    /// The people and hosts behind the coverage figures, all of them (pages show the
    /// first few; CSV and JSON have every one).
    public struct Names: Sendable, Codable, Equatable {
        /// Members no host reported, sorted.
        public var missingMembers: [String]
        /// The members' hosts without a heartbeat within the stale threshold (never
        /// reported first, then oldest first).
        public var staleHosts: [HostNote]
        /// The members' hosts whose managed files drifted.
        public var driftedHosts: [HostNote]
        /// Members with at least one event this week.
        public var activeMembers: Int
        /// Members by the ring they are actually in (`1`…`4`), from all their groups'
        /// mappings and promotions (a member's ring may differ from the group's).
        public var memberRings: [String: Int] = [:]

        public init(missingMembers: [String], staleHosts: [HostNote], driftedHosts: [HostNote], activeMembers: Int) {
            self.missingMembers = missingMembers
            self.staleHosts = staleHosts
            self.driftedHosts = driftedHosts
            self.activeMembers = activeMembers
        }
    }

    /// A host named in a report.
    public struct HostNote: Sendable, Codable, Equatable {
        public var hostname: String
        /// The users it reported.
        public var users: [String]
        /// Its last heartbeat (nil: never).
        public var lastHeartbeat: Date?
        /// Drifted files (`agent/file`), for drifted hosts.
        public var files: [String]

        public init(hostname: String, users: [String], lastHeartbeat: Date?, files: [String] = []) {
            self.hostname = hostname
            self.users = users
            self.lastHeartbeat = lastHeartbeat
            self.files = files
        }
    }

    /// A revision in force during the week.
    public struct RevisionNote: Sendable, Codable, Equatable {
        public var revision: Int64
        public var by: String
        public var comment: String?

        public init(revision: Int64, by: String, comment: String?) {
            self.revision = revision
            self.by = by
            self.comment = comment
        }
    }

    public init(
        week: String, group: String, ring: Int, asOf: Date, coverage: Coverage, previousCoverage: CoverageHeadline?,
        volume: Volume,
        previousVolume: Volume?, noisyRules: [NoisyRule], nextRing: NextRingImpact.Summary?, revisions: [Int64],
        unrecognizedInputs: [UnrecognizedHookInput] = [], rollout: [RolloutEvent] = [], holds: [RuleAdjustment] = []
    ) {
        self.unrecognizedInputs = unrecognizedInputs
        self.rollout = rollout
        self.holds = holds
        self.week = week
        self.group = group
        self.ring = ring
        self.asOf = asOf
        self.coverage = coverage
        self.previousCoverage = previousCoverage
        self.volume = volume
        self.previousVolume = previousVolume
        self.noisyRules = noisyRules
        self.nextRing = nextRing
        self.revisions = revisions
    }

    /// How much of the group is covered by hosts that report.
    public struct Coverage: Sendable, Codable, Equatable {
        /// Members of the group (nested groups included).
        public var members: Int
        /// Hosts on which a member was seen: heartbeat within the stale threshold, older, none at all.
        public var hostsConnected: Int
        public var hostsStale: Int
        public var hostsSilent: Int
        /// Members no host reported.
        public var missingMembers: Int
        /// Hosts by installer version (`unknown` when not reported).
        public var installerVersions: [String: Int]
        /// Agent installs by hook state.
        public var hookStates: [String: Int]
        /// Agent installs by `kind version`.
        public var agents: [String: Int]
        /// MCP servers configured on the group's hosts, by name.
        public var mcpServers: [String: Int]
        /// The same configurations by approval: `approved` when pushed by the organisation
        /// (scope `managed`), `unapproved` when the user or the project added them.
        public var mcpApproval: [String: Int]
        /// The group's hosts whose managed agent files differ from what was served, and
        /// the drifted files (`agent/file`) with the number of hosts.
        public var hostsDrifted: Int
        public var driftedFiles: [String: Int]

        public init(
            members: Int, hostsConnected: Int, hostsStale: Int, hostsSilent: Int, missingMembers: Int,
            installerVersions: [String: Int], hookStates: [String: Int], agents: [String: Int],
            mcpServers: [String: Int],
            mcpApproval: [String: Int] = [:], hostsDrifted: Int = 0, driftedFiles: [String: Int] = [:]
        ) {
            self.members = members
            self.hostsConnected = hostsConnected
            self.hostsStale = hostsStale
            self.hostsSilent = hostsSilent
            self.missingMembers = missingMembers
            self.installerVersions = installerVersions
            self.hookStates = hookStates
            self.agents = agents
            self.mcpServers = mcpServers
            self.mcpApproval = mcpApproval
            self.hostsDrifted = hostsDrifted
            self.driftedFiles = driftedFiles
        }

        /// Members seen on at least one host, as a share of all members (0 for an empty group).
        public var coveredShare: Double { members == 0 ? 0 : Double(members - missingMembers) / Double(members) }
    }

    /// The coverage figures kept from a week's recorded report.
    public struct CoverageHeadline: Sendable, Codable, Equatable {
        public var members: Int
        public var hostsConnected: Int
        public var missingMembers: Int

        public init(members: Int, hostsConnected: Int, missingMembers: Int) {
            self.members = members
            self.hostsConnected = hostsConnected
            self.missingMembers = missingMembers
        }
    }

    /// Audit events of the week by surface and verdict.
    public struct Volume: Sendable, Codable, Equatable {
        /// `surface → verdict → count`; verdicts as stored: pass, warn, block, warn-candidate, block-candidate.
        public var bySurface: [String: [String: Int]]

        public init(bySurface: [String: [String: Int]]) {
            self.bySurface = bySurface
        }

        public var total: Int { bySurface.values.reduce(0) { $0 + $1.values.reduce(0, +) } }

        /// Events with this verdict, all surfaces.
        public func count(verdict: String) -> Int { bySurface.values.reduce(0) { $0 + ($1[verdict] ?? 0) } }
    }

    /// A rule by candidate volume.
    public struct NoisyRule: Sendable, Codable, Equatable {
        public var pack: String
        public var ruleID: String
        public var surface: String
        /// warn-candidate plus block-candidate events.
        public var candidates: Int
        /// Distinct members hit, and that as a share of the group's members.
        public var usersHit: Int
        public var shareOfMembers: Double
        /// One event's summary, as an example.
        public var example: String
        /// The rule's description in its pack (nil in older reports, or when the rule is
        /// no longer in the policy).
        public var description: String?

        public init(
            pack: String, ruleID: String, surface: String, candidates: Int, usersHit: Int, shareOfMembers: Double,
            example: String
        ) {
            self.pack = pack
            self.ruleID = ruleID
            self.surface = surface
            self.candidates = candidates
            self.usersHit = usersHit
            self.shareOfMembers = shareOfMembers
            self.example = example
        }
    }

    /// The verdicts, in the order reports list them.
    public static let verdicts = ["pass", "warn", "block", "warn-candidate", "block-candidate"]
}
