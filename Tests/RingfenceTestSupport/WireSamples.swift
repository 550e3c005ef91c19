import Foundation
import RingfenceProto
import SwiftProtobuf

/// A valid audit event.
public func auditEvent(
    _ id: String, user: String = "alice", verdict: Ringfence_V1_Verdict = .blockCandidate, at: Date = Date()
)
    -> Ringfence_V1_AuditEvent
{
    var event = Ringfence_V1_AuditEvent()
    event.eventID = id
    event.occurredAt = Google_Protobuf_Timestamp(date: at)
    event.user = user
    event.agentKind = "claude-code"
    event.agentVersion = "2.0.1"
    event.surface = "risky_shell"
    event.pack = "baseline"
    event.packVersion = 1
    event.ruleID = verdict == .pass ? "" : "RS-1"
    event.repo = "payments/api"
    event.verdict = verdict
    event.appliedLevel = .observe
    event.uncappedLevel = .block
    event.sessionID = "s1"
    event.summary = "rm -rf build/"
    return event
}
