import Foundation

/// One thing the rollout service (or a person releasing a hold) did, as `rollout_events`
/// keeps it: the rollout's history and the notifications owed to the group's owners.
public struct RolloutEvent: Sendable, Hashable, Codable {
    /// What happened.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// The group moved to ``ring``.
        case promoted
        /// The step to ``ring`` was due but gates failed (``failing``).
        case held
        /// A rule was held at warn for the group after a promotion.
        case ruleHeld = "rule-held"
        /// Someone released a rule's hold.
        case released
        /// Someone undid the group's promotion.
        case demoted
    }

    public var id: Int64
    public var at: Date
    public var kind: Kind
    public var group: String
    public var ring: Ring
    /// The rule (rule-held, released).
    public var pack: String?
    public var rule: String?
    /// The hold adjustment's id (rule-held, released).
    public var holdID: String?
    public var actor: String
    /// The gates' results or the hold's reason, in words.
    public var detail: String
    /// The gates that failed (held).
    public var failing: [String]
    /// The revision it published, if any.
    public var revision: Int64?

    /// Creates an event.
    public init(
        id: Int64, at: Date, kind: Kind, group: String, ring: Ring, pack: String? = nil, rule: String? = nil,
        holdID: String? = nil, actor: String, detail: String, failing: [String] = [], revision: Int64? = nil
    ) {
        self.id = id
        self.at = at
        self.kind = kind
        self.group = group
        self.ring = ring
        self.pack = pack
        self.rule = rule
        self.holdID = holdID
        self.actor = actor
        self.detail = detail
        self.failing = failing
        self.revision = revision
    }

    /// One line for `ringfence history` and `ringfence rollout history`.
    public var headline: String {
        switch kind {
        case .promoted: "promoted \(group) to ring \(ring.number)"
        case .held: "held \(group) at the step to ring \(ring.number): \(failing.joined(separator: ", ")) failed"
        case .ruleHeld: "held \(pack ?? "")/\(rule ?? "") for \(group) after its promotion (\(holdID ?? ""))"
        case .released: "released \(pack ?? "")/\(rule ?? "") for \(group) (\(holdID ?? ""))"
        case .demoted: "undid the promotion of \(group) to ring \(ring.number)"
        }
    }
}
