import Foundation
import RingfenceCore

/// The mail about something the rollout did (a promotion, a step held by its gates, a
/// rule held after a promotion, a hold released), to the group's owners. Pure;
/// ``RolloutNotifier`` sends it.
public enum RolloutMail {
    /// The subject and text.
    public static func content(_ event: RolloutEvent) -> (subject: String, text: String) {
        var lines = ["Ringfence \(event.headline) on \(event.at.formatted(.iso8601)).", ""]
        switch event.kind {
        case .promoted:
            lines.append("The gates, as measured:")
        case .held:
            lines.append("The group stays where it is until every gate holds. The gates, as measured:")
        case .ruleHeld:
            lines.append("The rule keeps warning instead of blocking for the group until someone releases it:")
        case .released:
            lines.append("The rule applies at its level again. Comment:")
        case .demoted:
            lines.append("The group is back in the ring its mapping gives it. Comment:")
        }
        lines.append(event.detail)
        lines.append("")
        switch event.kind {
        case .ruleHeld: lines.append("Release with: ringfence rollout release \(event.holdID ?? "") --comment \"why\"")
        default: lines.append("Details: ringfence rollout status")
        }
        if let revision = event.revision { lines.append("Policy revision \(revision).") }
        return ("Ringfence rollout: \(event.headline)", lines.joined(separator: "\n") + "\n")
    }

    /// The message to `to`.
    public static func message(_ event: RolloutEvent, from: String, to: [String]) throws -> MailMessage {
        let (subject, text) = content(event)
        return try MailMessage.plain(from: from, to: to, subject: subject, text: text)
    }
}
