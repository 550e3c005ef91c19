/// How strongly a rule acts on its surface: `off < observe < warn < block`.
///
/// Levels are ordered, so "the strongest of these levels" is `max(...)` and a ring's
/// cap is `min(level, cap)`.
public enum Level: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    /// The rule is not evaluated.
    case off
    /// The rule is evaluated and its matches recorded; the action goes ahead.
    case observe
    /// The user is warned (or asked) before the action.
    case warn
    /// The action is refused.
    case block

    /// Position in the order `off < observe < warn < block`.
    public var rank: Int {
        switch self {
        case .off: 0
        case .observe: 1
        case .warn: 2
        case .block: 3
        }
    }

    public static func < (lhs: Level, rhs: Level) -> Bool { lhs.rank < rhs.rank }
}
