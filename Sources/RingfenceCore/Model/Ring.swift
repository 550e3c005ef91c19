/// A stage of rollout, 1 to 4. A ring caps the strongest level a rule can reach.
///
/// | ring | name | cap |
/// |---|---|---|
/// | 1 | inventory | `off`: hosts connect and report inventory only |
/// | 2 | audit | `observe`: every rule observes |
/// | 3 | target | `block` for targeted assignments, `observe` for the rest |
/// | 4 | enforce | `block` everywhere the packs say |
///
/// "Targeted" is defined in docs/resolution.md: an assignment whose selector names
/// groups, roles, repositories, repository trust or surfaces.
public enum Ring: Int, Sendable, Hashable, CaseIterable, Codable, Comparable, CustomStringConvertible {
    case inventory = 1
    case audit = 2
    case target = 3
    case enforce = 4

    /// The ring used when neither the host nor any group mapping says otherwise.
    public static let `default`: Ring = .inventory

    /// Creates a ring from its number, nil outside 1...4.
    public init?(number: Int) {
        self.init(rawValue: number)
    }

    /// The ring's number, 1...4.
    public var number: Int { rawValue }

    /// The next ring up, nil for `enforce`.
    public var next: Ring? { Ring(rawValue: rawValue + 1) }

    /// The strongest level a rule can reach in this ring.
    ///
    /// - Parameter targeted: whether the rule comes from (or is raised by) a targeted assignment.
    public func cap(targeted: Bool) -> Level {
        switch self {
        case .inventory: .off
        case .audit: .observe
        case .target: targeted ? .block : .observe
        case .enforce: .block
        }
    }

    public static func < (lhs: Ring, rhs: Ring) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .inventory: "1 (inventory)"
        case .audit: "2 (audit)"
        case .target: "3 (target)"
        case .enforce: "4 (enforce)"
        }
    }
}
