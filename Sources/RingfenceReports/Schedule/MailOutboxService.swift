import Logging
import ServiceLifecycle

/// Sends the mails an outbox owes while `ringfence serve` runs, every `interval`: the
/// exception mails (``ExceptionNotifier``) and the rollout mails (``RolloutNotifier``).
public struct MailOutboxService: Service {
    let deliver: @Sendable () async throws -> Int
    let interval: Duration
    let logger: Logger

    /// A service running `deliver` every `interval`; `name` labels its log.
    public init(name: String, interval: Duration = .seconds(15), deliver: @escaping @Sendable () async throws -> Int) {
        self.deliver = deliver
        self.interval = interval
        self.logger = Logger(label: "ringfence.\(name).mail")
    }

    /// Exception mails.
    public init(notifier: ExceptionNotifier, interval: Duration = .seconds(15)) {
        self.init(name: "exceptions", interval: interval) { try await notifier.deliverDue() }
    }

    /// Rollout mails.
    public init(notifier: RolloutNotifier, interval: Duration = .seconds(15)) {
        self.init(name: "rollout", interval: interval) { try await notifier.deliverDue() }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    _ = try await deliver()
                } catch {
                    logger.warning("mail round failed; retrying", metadata: ["error": "\(error)"])
                }
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }
}
