import Foundation
import RingfenceAdapters
import RingfenceCore
import RingfenceProto
import RingfenceWorkstation
import SwiftProtobuf

extension AgentPolicy {
    /// The policy of a FetchPolicy answer, as the hook's cache keeps it.
    init(_ response: Ringfence_V1_FetchPolicyResponse, user: String) throws(WorkstationError) {
        var surfaces: [SurfacePolicy] = []
        for surface in response.surfaces {
            guard let name = Surface(rawValue: surface.surface) else {
                throw WorkstationError("the server sent surface '\(surface.surface)'")
            }
            let rules = try surface.rules.map { (rule: Ringfence_V1_PolicyRule) throws(WorkstationError) -> Rule in
                guard let level = Level(proto: rule.level), let uncapped = Level(proto: rule.uncappedLevel) else {
                    throw WorkstationError("rule \(rule.ruleID) has no level")
                }
                return Rule(
                    pack: rule.pack, packVersion: Int(rule.packVersion), id: rule.ruleID, match: rule.match,
                    level: level,
                    uncappedLevel: uncapped, risk: RingfenceCore.Rule.Risk(rawValue: rule.risk) ?? .medium,
                    description: rule.description_p)
            }
            surfaces.append(
                SurfacePolicy(
                    surface: name, level: Level(proto: surface.level) ?? .off,
                    uncappedLevel: Level(proto: surface.uncappedLevel) ?? .off, rules: rules))
        }
        self.init(
            user: user, ring: Int(response.ring), revision: response.revision, etag: response.etag, surfaces: surfaces)
    }
}

extension Ringfence_V1_AuditEvent {
    /// The wire form of an event the hook queued.
    init(_ event: QueuedEvent) {
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
    }
}
