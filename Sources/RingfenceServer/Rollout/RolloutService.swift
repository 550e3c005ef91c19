import Logging
import PostgresNIO
import ServiceLifecycle

/// Carries out the rollout plan while `ringfence serve` runs: a ``RolloutRound`` every
/// `interval`. Each replica runs it; promotions and holds go through the publish lock, so
/// a second replica's round finds them done (one leader per job is issue 22's).
public struct RolloutService: Service {
    let round: RolloutRound
    let interval: Duration
    let logger = Logger(label: "ringfence.rollout")

    public init(round: RolloutRound, interval: Duration = .seconds(300)) {
        self.round = round
        self.interval = interval
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await round.run()
                } catch {
                    logger.warning("rollout round failed; retrying", metadata: ["error": "\(error)"])
                }
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }
}
