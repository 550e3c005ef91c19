import Foundation
import RingfenceCore
import SwiftProtobuf

/// Checks one audit event from the wire and turns it into a record, or says why not.
/// A refused event does not fail its stream: it is listed in the answer with its reason.
///
/// Pure: the server's clock and the caller's host come in as arguments.
public struct AuditEventValidator: Sendable {
    /// Oldest and newest event time accepted, relative to `now`.
    public var maxAge: TimeInterval
    public var maxFuture: TimeInterval

    public init(maxAge: TimeInterval = 90 * 86_400, maxFuture: TimeInterval = 86_400) {
        self.maxAge = maxAge
        self.maxFuture = maxFuture
    }

    /// The row for `event` sent by `hostID`, or the reason it is refused.
    public func validate(_ event: Ringfence_V1_AuditEvent, hostID: UUID, now: Date) -> Result<
        AuditEventRecord, Rejection
    > {
        func reject(_ reason: String) -> Result<AuditEventRecord, Rejection> { .failure(Rejection(reason: reason)) }
        let id = event.eventID
        guard !id.isEmpty else { return reject("event_id is empty") }
        guard id.utf8.count <= WireLimits.eventID else {
            return reject("event_id is longer than \(WireLimits.eventID) bytes")
        }
        guard id.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else {
            return reject("event_id contains spaces or control characters")
        }
        guard event.hasOccurredAt else { return reject("occurred_at is not set") }
        let at = event.occurredAt.date
        guard at >= now.addingTimeInterval(-maxAge) else {
            return reject("occurred_at is more than \(Int(maxAge / 86_400)) days old")
        }
        guard at <= now.addingTimeInterval(maxFuture) else { return reject("occurred_at is in the future") }
        guard !event.user.isEmpty else { return reject("user is empty") }
        guard !event.agentKind.isEmpty else { return reject("agent_kind is empty") }
        for (name, value, limit) in [
            ("user", event.user, WireLimits.eventName), ("agent_kind", event.agentKind, WireLimits.eventName),
            ("agent_version", event.agentVersion, WireLimits.eventName), ("pack", event.pack, WireLimits.eventName),
            ("rule_id", event.ruleID, WireLimits.eventName), ("repo", event.repo, WireLimits.eventName),
            ("policy_etag", event.policyEtag, WireLimits.eventName),
            ("session_id", event.sessionID, WireLimits.eventName),
            ("summary", event.summary, WireLimits.eventSummary),
        ] {
            if let problem = WireText.problem(value, limit: limit) { return reject("\(name) \(problem)") }
        }
        guard let surface = Surface(rawValue: event.surface) else {
            return reject("surface '\(event.surface.prefix(64))' is not a surface name")
        }
        guard let verdict = Verdict(proto: event.verdict) else {
            return reject(WireEnum.problem("verdict", event.verdict))
        }
        guard let applied = Level(proto: event.appliedLevel) else {
            return reject(WireEnum.problem("applied_level", event.appliedLevel))
        }
        guard let uncapped = Level(proto: event.uncappedLevel) else {
            return reject(WireEnum.problem("uncapped_level", event.uncappedLevel))
        }
        guard event.packVersion >= 0 else { return reject("pack_version is negative") }
        guard event.policyRevision >= 0 else { return reject("policy_revision is negative") }
        if verdict != .pass && event.ruleID.isEmpty {
            return reject("verdict \(verdict.rawValue) needs the rule_id that matched")
        }
        return .success(
            AuditEventRecord(
                hostID: hostID, eventID: id, occurredAt: at, user: event.user, agentKind: event.agentKind.lowercased(),
                agentVersion: event.agentVersion, surface: surface, pack: event.pack, packVersion: event.packVersion,
                ruleID: event.ruleID, repo: event.repo, verdict: verdict, appliedLevel: applied,
                uncappedLevel: uncapped,
                policyETag: event.policyEtag, sessionID: event.sessionID, summary: event.summary,
                policyRevision: event.policyRevision))
    }

    /// Why an event was refused.
    public struct Rejection: Error, Sendable, Equatable {
        public var reason: String

        public init(reason: String) { self.reason = reason }
    }
}
