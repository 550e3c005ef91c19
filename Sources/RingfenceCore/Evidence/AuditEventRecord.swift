import Foundation

/// One validated audit event, as stored in `audit_events`. Empty strings stand for
/// "not given" and are stored as NULL.
public struct AuditEventRecord: Sendable, Equatable {
    public var hostID: UUID
    public var eventID: String
    public var occurredAt: Date
    public var user: String
    public var agentKind: String
    public var agentVersion: String
    public var surface: Surface
    public var pack: String
    public var packVersion: Int32
    public var ruleID: String
    public var repo: String
    public var verdict: Verdict
    public var appliedLevel: Level
    public var uncappedLevel: Level
    public var policyETag: String
    public var sessionID: String
    public var summary: String
    /// The revision of the policy the agent decided with; 0 when it held none (or an
    /// older agent did not say).
    public var policyRevision: Int64

    public init(
        hostID: UUID, eventID: String, occurredAt: Date, user: String, agentKind: String, agentVersion: String = "",
        surface: Surface, pack: String = "", packVersion: Int32 = 0, ruleID: String = "", repo: String = "",
        verdict: Verdict, appliedLevel: Level, uncappedLevel: Level, policyETag: String = "", sessionID: String = "",
        summary: String = "", policyRevision: Int64 = 0
    ) {
        self.hostID = hostID
        self.eventID = eventID
        self.occurredAt = occurredAt
        self.user = user
        self.agentKind = agentKind
        self.agentVersion = agentVersion
        self.surface = surface
        self.pack = pack
        self.packVersion = packVersion
        self.ruleID = ruleID
        self.repo = repo
        self.verdict = verdict
        self.appliedLevel = appliedLevel
        self.uncappedLevel = uncappedLevel
        self.policyETag = policyETag
        self.sessionID = sessionID
        self.summary = summary
        self.policyRevision = policyRevision
    }

    /// The applied level an event records for a match of a rule at `level` with `verdict`:
    /// the rule's level, except that a warning the agent could not show is recorded as
    /// observed. The hook records it so (`QueuedEvent`) and a replay compares with it
    /// (`DecisionReplay`).
    public static func recordedLevel(_ level: Level, verdict: Verdict) -> Level {
        verdict == .warnCandidate && level == .warn ? .observe : level
    }
}
