import Logging
import PostgresNIO
import ServiceLifecycle

/// Sends the mails owed about exception requests while `ringfence serve` runs, every
/// `interval` (``ExceptionNotifier``).
public struct ExceptionMailService: Service {
    let notifier: ExceptionNotifier
    let interval: Duration
    let logger = Logger(label: "ringfence.exceptions.mail")

    public init(notifier: ExceptionNotifier, interval: Duration = .seconds(15)) {
        self.notifier = notifier
        self.interval = interval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await notifier.deliverDue()
                } catch {
                    logger.warning("exception mail round failed; retrying", metadata: ["error": "\(error)"])
                }
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }
}
