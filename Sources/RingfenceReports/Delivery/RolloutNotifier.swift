import Foundation
import Logging
import PostgresNIO
import RingfenceCore
import RingfenceStore

/// Sends the mails owed about rollout events (`rollout_events`) to the group's owners,
/// marked sent once the relay accepted, retried after a failure; an event whose group has
/// no owner with an address is marked done (and logged).
public struct RolloutNotifier: Sendable {
    let store: RolloutStore
    let queries: ReportQueries
    let smtp: SMTPClient
    let from: String
    let logger = Logger(label: "ringfence.rollout.mail")

    public init(client: PostgresClient, smtp: SMTPClient, from: String) {
        self.store = RolloutStore(client: client)
        self.queries = ReportQueries(client: client)
        self.smtp = smtp
        self.from = from
    }

    /// Sends what is due; returns how many were sent.
    @discardableResult
    public func deliverDue(now: Date = Date()) async throws -> Int {
        var sent = 0
        for (event, attempts) in try await store.dueNotifications(now: now) {
            let owners = try await queries.ownerAddresses(of: event.group).filter(MailMessage.isPlainAddress)
            guard !owners.isEmpty else {
                try await store.noteNotification(event.id, error: nil, now: now)
                logger.warning("rollout mail has no recipient", metadata: ["group": "\(event.group)"])
                continue
            }
            do {
                try await smtp.send(try RolloutMail.message(event, from: from, to: owners))
                try await store.noteNotification(event.id, error: nil, now: now)
                sent += 1
            } catch {
                try await store.noteNotification(
                    event.id, error: "\(error)", retryAfter: MailMessage.retryDelay(attempts: attempts), now: now)
                logger.warning(
                    "rollout mail failed; retrying", metadata: ["event": "\(event.id)", "error": "\(error)"])
            }
        }
        return sent
    }
}
