import Foundation

/// A rollout plan (`rollout:` in the policy directory, docs/operations.md): which group
/// moves to which ring from when, under which gates, and how the service watches a group
/// after it moved. Part of a policy revision; `ringfence serve` carries it out (`RolloutRound`).
public struct RolloutPlan: Sendable, Hashable, Codable {
    /// The gates every step must pass unless the step says otherwise.
    public var gates: RolloutGates.Thresholds
    /// The automatic hold after a promotion; nil: none.
    public var hold: HoldPolicy?
    /// The moves, in the order written.
    public var steps: [Step]

    /// Creates a plan.
    public init(gates: RolloutGates.Thresholds = .init(), hold: HoldPolicy? = nil, steps: [Step] = []) {
        self.gates = gates
        self.hold = hold
        self.steps = steps
    }

    /// One move: a group to a ring, not before a moment, under gates.
    public struct Step: Sendable, Hashable, Codable {
        /// The directory group.
        public var group: String
        /// The ring it moves to.
        public var ring: Ring
        /// Not before this moment (nil: as soon as the gates hold).
        public var after: Date?
        /// This step's gates, over the plan's.
        public var gates: RolloutGates.Thresholds

        /// Creates a step.
        public init(group: String, ring: Ring, after: Date? = nil, gates: RolloutGates.Thresholds = .init()) {
            self.group = group
            self.ring = ring
            self.after = after
            self.gates = gates
        }

        /// `group → ring N`, as logs and history name it.
        public var name: String { "\(group) → ring \(ring.number)" }
    }

    /// What the service watches after a promotion.
    public struct HoldPolicy: Sendable, Hashable, Codable {
        /// How long after a promotion blocks are watched.
        public var watchHours: Int
        /// A rule is held when its blocks per active person-day since the promotion exceed
        /// `rise` times its block candidates per active person-day in the window before it…
        public var rise: Double
        /// …and it blocked at least this many times.
        public var minimumBlocks: Int
        /// The level a held rule keeps for the group.
        public var level: Level

        /// Creates a hold policy.
        public init(watchHours: Int = 72, rise: Double = 3, minimumBlocks: Int = 10, level: Level = .warn) {
            self.watchHours = watchHours
            self.rise = rise
            self.minimumBlocks = minimumBlocks
            self.level = level
        }
    }

    /// The gates of a step: its own over the plan's.
    public func gates(of step: Step) -> RolloutGates.Thresholds { step.gates.merged(over: gates) }

    /// The problems of the plan, empty when it is well formed.
    public var problems: [String] {
        var problems: [String] = []
        var seen: Set<String> = []
        for step in steps where !seen.insert("\(step.group.lowercased())/\(step.ring.number)").inserted {
            problems.append("the rollout plan has the step \(step.name) twice")
        }
        if let hold, hold.level == .block || hold.level == .off {
            problems.append("a rollout hold keeps a rule at observe or warn")
        }
        return problems
    }
}
