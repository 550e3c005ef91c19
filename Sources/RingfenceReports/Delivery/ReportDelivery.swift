import Foundation
import RingfenceCore
import RingfenceStore

/// Sends a group's report to the people responsible for it: the group's owners from the
/// directory, else the configured fallback addresses for the group. One mail per group,
/// with the Markdown as the text part and the HTML as the HTML part.
public struct ReportDelivery: Sendable {
    public var smtp: SMTPClient
    public var from: String
    /// Group name → addresses used when no owner has a mail address.
    public var fallbacks: [String: [String]]
    /// Say who would get what; send nothing.
    public var dryRun: Bool

    public init(smtp: SMTPClient, from: String, fallbacks: [String: [String]] = [:], dryRun: Bool = false) {
        self.smtp = smtp
        self.from = from
        self.fallbacks = fallbacks
        self.dryRun = dryRun
    }

    /// Who gets the report: the owners, else the fallbacks (each list sorted, no duplicates).
    public func recipients(group: String, owners: [String]) -> [String] {
        let chosen = owners.isEmpty ? (fallbacks[group] ?? []) : owners
        return Array(Set(chosen)).sorted()
    }

    /// Sends (or, dry, describes) the report's mail to the group's owners as the directory
    /// mirror knows them; returns one line saying what happened.
    public func deliver(_ report: GroupWeekReport, ownersFrom queries: ReportQueries) async throws -> String {
        try await deliver(report, owners: try await queries.ownerAddresses(of: report.group))
    }

    /// Sends (or, dry, describes) the report's mail; returns one line saying what happened.
    public func deliver(_ report: GroupWeekReport, owners: [String]) async throws -> String {
        let to = recipients(group: report.group, owners: owners)
        guard !to.isEmpty else {
            return "\(report.group): no owner with a mail address and no fallback recipient; not sent"
        }
        let subject =
            "Ringfence \(report.week): \(report.group) — \(report.nextRing?.readiness(group: report.group) ?? "ring \(report.ring)")"
        let message = try MailMessage(
            from: from, to: to, subject: subject, text: try ReportMarkdown.render(report),
            html: try ReportHTML.render(report))
        if dryRun {
            return
                "\(report.group): would mail \(to.joined(separator: ", ")) (\(owners.isEmpty ? "fallback" : "owners"))"
        }
        try await smtp.send(message)
        return "\(report.group): mailed \(to.joined(separator: ", "))"
    }
}
