import Logging
import ServiceLifecycle

/// A job `ringfence serve` runs every `interval` until it shuts down: exception expiry,
/// the rollout round, event sealing. A failed run is logged and tried again at the next
/// interval. `serve` runs each on one replica at a time (`LeaderElectedService`); the jobs
/// stay idempotent under PostgreSQL locks, so a hand-over mid-run does no work twice.
public struct PeriodicService: Service {
    let interval: Duration
    let work: @Sendable () async throws -> Void
    let logger: Logger
    let what: String

    /// `what` names the job in the log ("exception expiry"); `label` is its logger's.
    public init(
        _ what: String, label: String, every interval: Duration, _ work: @escaping @Sendable () async throws -> Void
    ) {
        self.what = what
        self.interval = interval
        self.work = work
        self.logger = Logger(label: label)
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await work()
                } catch {
                    logger.warning("\(what) failed; retrying", metadata: ["error": "\(error)"])
                }
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }
}
