import Logging
import PostgresNIO
import RingfenceStore
import ServiceLifecycle

/// Removes exceptions from the policy when they end (`ringfence serve`): every `interval`
/// it publishes one revision without the exceptions that ended, which reaches watching
/// hosts like any publish. Each replica runs it; the publish lock makes a second run find
/// nothing left to remove.
public struct ExceptionExpiryService: Service {
    let store: ExceptionStore
    let interval: Duration
    let logger = Logger(label: "ringfence.exceptions.expiry")

    public init(client: PostgresClient, interval: Duration = .seconds(60)) {
        self.store = ExceptionStore(client: client)
        self.interval = interval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await store.expire()
                } catch {
                    logger.warning("exception expiry failed; retrying", metadata: ["error": "\(error)"])
                }
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }
}
