import Foundation
import RingfenceAdapters
import RingfenceProto
import SwiftProtobuf

extension Ringfence_V1_AuditEvent {
    /// The wire form of an event the hook queued.
    public init(_ event: QueuedEvent) {
        self.init()
        eventID = event.eventID
        occurredAt = Google_Protobuf_Timestamp(date: Date(timeIntervalSince1970: event.occurredAt))
        user = event.user
        agentKind = event.agentKind
        agentVersion = event.agentVersion
        surface = event.surface
        pack = event.pack
        packVersion = Int32(clamping: event.packVersion)
        ruleID = event.ruleID
        repo = event.repo
        verdict = event.verdict.proto
        appliedLevel = event.appliedLevel.proto
        uncappedLevel = event.uncappedLevel.proto
        policyEtag = event.policyETag
        sessionID = event.sessionID
        summary = event.summary
        policyRevision = event.policyRevision ?? 0
    }
}
