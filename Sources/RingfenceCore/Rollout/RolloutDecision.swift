import Foundation

/// What the rollout service does about one step now: pure, from the step, the group's
/// ring in the policy in force and the gates' results (``pending(_:in:ring:now:)``, then
/// ``judge(_:)`` for a due step).
public enum RolloutDecision: Sendable, Hashable {
    /// The group is in the step's ring or higher.
    case done
    /// Not before this moment.
    case waiting(until: Date)
    /// An earlier step of the same group (to a lower ring) is not done yet.
    case afterEarlierStep(RolloutPlan.Step)
    /// Every gate holds: move the group.
    case promote
    /// A gate failed: the group stays where it is; the failing gates.
    case hold([RolloutGates.Result])

    /// What `step` of `plan` waits for at `now`, for a group currently in `ring`; nil when
    /// the step is due and its gates decide (``judge(_:)``).
    public static func pending(_ step: RolloutPlan.Step, in plan: RolloutPlan, ring: Ring, now: Date)
        -> RolloutDecision?
    {
        if ring >= step.ring { return .done }
        if let after = step.after, now < after { return .waiting(until: after) }
        let earlier = plan.steps.filter {
            $0.group.lowercased() == step.group.lowercased() && $0.ring < step.ring && $0.ring > ring
        }
        if let first = earlier.min(by: { $0.ring < $1.ring }) { return .afterEarlierStep(first) }
        return nil
    }

    /// A due step's decision from its gates' results: promote when every gate holds.
    public static func judge(_ results: [RolloutGates.Result]) -> RolloutDecision {
        let failing = results.filter { !$0.passed }
        return failing.isEmpty ? .promote : .hold(failing)
    }

    /// The decision in words, as `ringfence rollout status` prints it.
    public var summary: String {
        switch self {
        case .done: "done"
        case .waiting(let until): "waiting until \(until.formatted(.iso8601))"
        case .afterEarlierStep(let step): "after \(step.name)"
        case .promote: "ready: every gate holds"
        case .hold(let failing): "held by " + failing.map(\.gate).joined(separator: ", ")
        }
    }
}
