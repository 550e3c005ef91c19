import Foundation
import RingfenceCore
import RingfenceStore

/// An audit event as an OCSF 1.4.0 Detection Finding (class 2004, category 2 Findings;
/// docs/exports.md "OCSF"), with the Security Control profile's `action_id` and
/// `disposition_id`. Only events that name a rule are findings: a pass no rule matched is
/// not one (``init(_:)`` returns nil). Pure.
public struct OCSFDetectionFinding: Encodable, Sendable {
    let classUID = 2004
    let className = "Detection Finding"
    let categoryUID = 2
    let categoryName = "Findings"
    let activityID = 1
    let activityName = "Create"
    let typeUID = 200_401
    let typeName = "Detection Finding: Create"
    var time: Int64
    var severityID: Int
    var severity: String
    var statusID = 1
    var status = "New"
    var actionID: Int
    var action: String
    var dispositionID: Int
    var disposition: String
    var message: String
    var metadata: Metadata
    var findingInfo: FindingInfo
    var actor: Actor
    var device: Device
    var unmapped: [String: String]

    struct Metadata: Encodable, Sendable {
        var version = "1.4.0"
        var product = Product()
        var profiles = ["security_control"]
        var uid: String
        var loggedTime: Int64
    }

    struct Product: Encodable, Sendable {
        var name = "Ringfence"
        var vendorName = "Ringfence"
    }

    struct FindingInfo: Encodable, Sendable {
        var uid: String
        var title: String
        var analytic: Analytic
        var createdTime: Int64
    }

    struct Analytic: Encodable, Sendable {
        var name: String
        var uid: String
        var typeID = 1
        var type = "Rule"
    }

    struct Actor: Encodable, Sendable {
        var user: User
        var appName: String
    }

    struct User: Encodable, Sendable {
        var name: String
    }

    struct Device: Encodable, Sendable {
        var uid: String
        var typeID = 0
        var type = "Unknown"
    }

    /// The finding of `stored`, or nil when the event names no rule.
    public init?(_ stored: StoredEvent) {
        let event = stored.event
        guard !event.ruleID.isEmpty else { return nil }
        func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1_000).rounded(.down)) }
        time = milliseconds(event.occurredAt)
        (severityID, severity, actionID, action, dispositionID, disposition) = Self.outcome(event.verdict)
        message = event.summary
        let rule = "\(event.pack)/\(event.ruleID)"
        metadata = Metadata(uid: event.eventID, loggedTime: milliseconds(stored.receivedAt))
        findingInfo = FindingInfo(
            uid: "\(event.hostID.uuidString.lowercased())/\(event.eventID)",
            title: "\(rule) on \(event.surface.rawValue)",
            analytic: Analytic(name: rule, uid: event.ruleID), createdTime: time)
        actor = Actor(user: User(name: event.user), appName: event.agentKind)
        device = Device(uid: event.hostID.uuidString.lowercased())
        var extra = [
            "surface": event.surface.rawValue, "verdict": event.verdict.rawValue,
            "applied_level": event.appliedLevel.rawValue, "uncapped_level": event.uncappedLevel.rawValue,
        ]
        for (key, value) in [
            ("agent_version", event.agentVersion), ("repo", event.repo), ("session_id", event.sessionID),
            ("policy_etag", event.policyETag),
            ("policy_revision", event.policyRevision > 0 ? "\(event.policyRevision)" : ""),
            ("pack_version", event.packVersion > 0 ? "\(event.packVersion)" : ""),
        ] where !value.isEmpty {
            extra[key] = value
        }
        unmapped = extra
    }

    /// Severity, action and disposition of a verdict: a block is Denied/Blocked (Medium), a
    /// warning Allowed/Alert (Low), a would-be warning or block Allowed/Detected
    /// (Informational), a pass under a rule Allowed/Allowed (Informational).
    static func outcome(_ verdict: Verdict) -> (Int, String, Int, String, Int, String) {
        switch verdict {
        case .block: (3, "Medium", 2, "Denied", 2, "Blocked")
        case .warn: (2, "Low", 1, "Allowed", 19, "Alert")
        case .warnCandidate, .blockCandidate: (1, "Informational", 1, "Allowed", 15, "Detected")
        case .pass: (1, "Informational", 1, "Allowed", 1, "Allowed")
        }
    }

    /// The finding's JSON (OCSF attribute names are snake_case).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
