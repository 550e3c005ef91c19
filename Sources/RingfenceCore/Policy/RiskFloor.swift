/// The lowest level rules of one risk class may have from a ring on, whatever overrides
/// say: "critical is block from ring 3" (docs/resolution.md, rule 7a).
///
/// Declared for the whole policy (`floors:` in a policy file) or by a pack for its own
/// rules. A floor also says whether approved exceptions may go below it; requests for
/// rules of a class whose floor forbids exceptions are refused.
public struct RiskFloor: Sendable, Hashable, Codable {
    /// Whether approved exceptions may take a rule below the floor.
    public enum Exceptions: String, Sendable, Hashable, Codable, CaseIterable {
        /// An approved exception may lower a rule of this class.
        case allowed
        /// No exception for rules of this class: requests are refused.
        case forbidden
    }

    /// The risk class it holds up.
    public var risk: Rule.Risk
    /// The minimum level (`observe`, `warn` or `block`).
    public var level: Level
    /// The first ring it applies in; it applies in every ring above too.
    public var fromRing: Ring
    /// Whether exceptions may go below it.
    public var exceptions: Exceptions

    /// Creates a floor.
    public init(risk: Rule.Risk, level: Level, fromRing: Ring, exceptions: Exceptions = .forbidden) {
        self.risk = risk
        self.level = level
        self.fromRing = fromRing
        self.exceptions = exceptions
    }

    /// Whether it applies in a ring.
    public func applies(in ring: Ring) -> Bool { ring >= fromRing }
}

/// A floor that decided a level, and who declared it: a pack (for its rules) or the
/// policy (`pack` nil).
public struct AppliedFloor: Sendable, Hashable, CustomStringConvertible {
    /// The floor.
    public var floor: RiskFloor
    /// The pack that declared it; nil for a floor of the whole policy.
    public var pack: String?

    public var description: String {
        "floor \(floor.risk.rawValue) ≥ \(floor.level.rawValue) from ring \(floor.fromRing.number) ("
            + (pack.map { "pack \($0)" } ?? "policy") + ")"
    }
}
