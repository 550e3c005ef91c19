extension PeriodicService {
    /// Carries out the rollout plan while `ringfence serve` runs: a ``RolloutRound`` every
    /// `interval`. Each replica runs it; promotions and holds go through the publish lock
    /// and are idempotent, so a second replica's round finds them done.
    public static func rollout(_ round: RolloutRound, every interval: Duration = .seconds(300)) -> PeriodicService {
        PeriodicService("rollout round", label: "ringfence.rollout", every: interval) { try await round.run() }
    }
}
