import RingfenceCore

/// An audit event the hook queued on the workstation, waiting to be sent with
/// `ReportEvents` (`ringfence workstation send`). One JSON object per line in the queue
/// file; the fields are those of `ringfence.v1.AuditEvent`.
public struct QueuedEvent: Sendable, Hashable, Codable {
    public var eventID: String
    /// Seconds since 1970.
    public var occurredAt: Double
    public var user: String
    public var agentKind: String
    public var agentVersion: String
    public var surface: String
    public var pack: String
    public var packVersion: Int
    public var ruleID: String
    /// Slug of the repository the agent worked in (`RepositorySlug`); empty when none.
    public var repo: String
    public var verdict: Verdict
    public var appliedLevel: Level
    public var uncappedLevel: Level
    public var policyETag: String
    public var sessionID: String
    public var summary: String
    /// The revision of the policy decided with; nil when there was none (and in lines
    /// queued by a hook older than this field).
    public var policyRevision: Int64?

    /// Pack and rule recorded for a refusal made because no policy could be read.
    public static let failClosedPack = "ringfence"
    public static let failClosedRule = "FAIL-CLOSED"

    /// The event of a hook's decision.
    public init(
        eventID: String, occurredAt: Double, user: String, invocation: HookInvocation, action: AgentAction,
        decision: HookDecision, verdict: Verdict, policyETag: String, policyRevision: Int64? = nil, repo: String = ""
    ) {
        self.eventID = eventID
        self.occurredAt = occurredAt
        self.user = user
        agentKind = invocation.agent.rawValue
        agentVersion = invocation.agentVersion
        surface = decision.surface.rawValue
        self.repo = repo
        self.verdict = verdict
        self.policyETag = policyETag
        self.policyRevision = policyRevision
        sessionID = invocation.sessionID
        summary = action.summary
        if let match = decision.match {
            pack = match.rule.pack
            packVersion = match.rule.packVersion
            ruleID = match.rule.id
            appliedLevel = AuditEventRecord.recordedLevel(match.rule.level, verdict: verdict)
            uncappedLevel = match.rule.uncappedLevel
        } else if decision.policyUnavailable != nil && verdict == .block {
            pack = Self.failClosedPack
            packVersion = 0
            ruleID = Self.failClosedRule
            appliedLevel = .block
            uncappedLevel = .block
        } else {
            pack = ""
            packVersion = 0
            ruleID = ""
            appliedLevel = .off
            uncappedLevel = .off
        }
        // An input not understood is named by its summary already.
        if let reason = decision.policyUnavailable, decision.surface != .unrecognized { summary += " (\(reason))" }
    }
}
