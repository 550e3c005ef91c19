import Foundation
import RingfenceCore

/// The mail about an exception request (made, approved, denied, expired): who it goes to
/// and what it says. Pure; ``ExceptionNotifier`` sends it.
public enum ExceptionMail {
    /// Recipients: on a new request the approvers (the requester gets a copy); on a
    /// decision or expiry the requester and the approvers. Addresses that are not plain
    /// `local@domain` are left out.
    public static func recipients(event: String, requester: String?, approvers: [String]) -> [String] {
        let all =
            (event == "requested"
                ? approvers + [requester].compactMap(\.self) : [requester].compactMap(\.self) + approvers)
        var seen: Set<String> = []
        return all.filter { MailMessage.isPlainAddress($0) && seen.insert($0.lowercased()).inserted }
    }

    /// The subject and text of the mail about `request` after `event`.
    public static func content(_ request: ExceptionRequest, event: String) -> (subject: String, text: String) {
        let rule = "\(request.pack)/\(request.rule)"
        let subject: String
        var lines: [String] = []
        switch event {
        case "requested":
            subject = "Ringfence exception request \(request.id): \(rule) for \(request.requester) in \(request.repo)"
            lines.append(
                "\(request.requester) asks to be let through \(rule) in \(request.repo) for \(hours(request.duration))."
            )
            lines.append("")
            lines.append("Justification: \(request.justification)")
            lines.append("")
            lines.append("Decide with: ringfence exceptions approve \(request.id) --as YOU (or deny).")
        case "approved":
            subject = "Ringfence exception \(request.id) approved: \(rule) in \(request.repo)"
            lines.append(
                "\(request.decidedBy ?? "An approver") approved \(request.requester)'s exception to \(rule) in \(request.repo)"
                    + (request.validUntil.map { " until \($0.formatted(.iso8601))" } ?? "") + ".")
            lines.append("It reaches the workstation with its next policy fetch (revision \(request.revision ?? 0)).")
        case "denied":
            subject = "Ringfence exception \(request.id) denied: \(rule) in \(request.repo)"
            lines.append(
                "\(request.decidedBy ?? "An approver") denied \(request.requester)'s request for \(rule) in \(request.repo)."
            )
        default:
            subject = "Ringfence exception \(request.id) ended: \(rule) in \(request.repo)"
            lines.append(
                "\(request.requester)'s exception to \(rule) in \(request.repo) has ended; the rule applies again.")
        }
        if let comment = request.comment, event != "requested" { lines.append("Comment: \(comment)") }
        return (subject, lines.joined(separator: "\n") + "\n")
    }

    /// The message, text and an HTML rendering of the same text.
    public static func message(_ request: ExceptionRequest, event: String, from: String, to: [String]) throws
        -> MailMessage
    {
        let (subject, text) = content(request, event: event)
        return try MailMessage.plain(from: from, to: to, subject: subject, text: text)
    }

    private static func hours(_ seconds: TimeInterval) -> String {
        seconds >= 86_400 && seconds.truncatingRemainder(dividingBy: 86_400) == 0
            ? "\(Int(seconds / 86_400)) day(s)" : "\(Int((seconds / 3_600).rounded(.up))) hour(s)"
    }
}
