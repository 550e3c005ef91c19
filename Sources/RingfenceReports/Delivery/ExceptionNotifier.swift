import Foundation
import Logging
import PostgresNIO
import RingfenceCore
import RingfenceStore

/// Sends the mails owed about exception requests (`exception_notifications`): each to
/// the requester and the approvers, marked sent once the relay accepted it, retried
/// after a failure. Nothing is lost when the relay is away: the rows wait.
public struct ExceptionNotifier: Sendable {
    let store: ExceptionStore
    let smtp: SMTPClient
    let from: String
    let approverGroup: String?
    let logger = Logger(label: "ringfence.exceptions.mail")

    public init(client: PostgresClient, smtp: SMTPClient, from: String, approverGroup: String?) {
        self.store = ExceptionStore(client: client)
        self.smtp = smtp
        self.from = from
        self.approverGroup = approverGroup
    }

    /// Sends what is due; returns how many were sent.
    @discardableResult
    public func deliverDue(now: Date = Date()) async throws -> Int {
        var sent = 0
        for notification in try await store.dueNotifications(now: now) {
            let request = notification.request
            let approvers = try await store.approvers(of: request.requester, approverGroup: approverGroup)
            let recipients = ExceptionMail.recipients(
                event: notification.event, requester: try await store.address(of: request.requester),
                approvers: approvers.values.sorted())
            guard !recipients.isEmpty else {
                try await store.noteNotification(notification.id, error: nil, now: now)
                logger.warning("exception mail has no recipient", metadata: ["request": "\(request.id)"])
                continue
            }
            do {
                try await smtp.send(
                    try ExceptionMail.message(request, event: notification.event, from: from, to: recipients))
                try await store.noteNotification(notification.id, error: nil, now: now)
                sent += 1
            } catch {
                try await store.noteNotification(
                    notification.id, error: "\(error)",
                    retryAfter: MailMessage.retryDelay(attempts: notification.attempts),
                    now: now)
                logger.warning(
                    "exception mail failed; retrying", metadata: ["request": "\(request.id)", "error": "\(error)"])
            }
        }
        return sent
    }
}
