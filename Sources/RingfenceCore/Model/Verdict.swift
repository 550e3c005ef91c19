/// What an agent did about one action, as stored in audit events and counted in reports.
public enum Verdict: String, Sendable, Hashable, CaseIterable, Codable {
    /// No rule acted: nothing matched, or the matching rules only observe.
    case pass
    /// A rule warned the user.
    case warn
    /// A rule refused the action.
    case block
    /// A rule would have warned but for the ring's cap.
    case warnCandidate = "warn-candidate"
    /// A rule would have blocked but for the ring's cap.
    case blockCandidate = "block-candidate"

    /// The verdict for a matching rule at an applied and an uncapped level.
    ///
    /// The applied level decides what happened. Only when the action went ahead (the
    /// applied level is `off` or `observe`) and the uncapped level is stronger is the
    /// match reported as the candidate of the uncapped level.
    public init(applied: Level, uncapped: Level) {
        switch applied {
        case .block: self = .block
        case .warn: self = .warn
        case .off, .observe:
            switch uncapped {
            case .block: self = .blockCandidate
            case .warn: self = .warnCandidate
            case .off, .observe: self = .pass
            }
        }
    }
}
