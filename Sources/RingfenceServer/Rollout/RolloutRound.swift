import Foundation
import Logging
import PostgresNIO
import RingfenceCore
import RingfenceStore

/// One round of the rollout (docs/operations.md): every step of the plan in force is
/// decided (``RolloutDecision``) and acted on — a due step whose gates hold is promoted,
/// one whose gates fail is held (recorded once per set of failing gates) — then every
/// promotion still being watched is checked for rules to hold (``AutomaticHold``).
/// `PeriodicService.rollout` runs it in `serve`; `ringfence rollout run` runs it once.
public struct RolloutRound: Sendable {
    let client: PostgresClient
    let staleAfter: TimeInterval
    let metrics: ServerMetrics?
    let logger = Logger(label: "ringfence.rollout")

    public init(client: PostgresClient, staleAfter: TimeInterval = 86_400, metrics: ServerMetrics? = nil) {
        self.client = client
        self.staleAfter = staleAfter
        self.metrics = metrics
    }

    /// What a round did, in words (one line each).
    public struct Outcome: Sendable, Equatable {
        public var promoted: [String] = []
        public var held: [String] = []
        public var rulesHeld: [String] = []

        /// Whether the round did nothing.
        public var isEmpty: Bool { promoted.isEmpty && held.isEmpty && rulesHeld.isEmpty }
    }

    /// A step with its decision and the gates' results (empty when not measured).
    public struct StepStatus: Sendable {
        public var step: RolloutPlan.Step
        public var ring: Ring
        public var decision: RolloutDecision
        public var results: [RolloutGates.Result]
        /// Nil when the directory has no such group.
        public var measured: GateMeasurements?
    }

    /// Every step of the plan in force at `now`, decided, with the gates of due steps (and,
    /// with `measureAll`, of every step not done) measured. Nil when no plan is in force.
    public func status(now: Date = Date(), measureAll: Bool = false) async throws -> (
        plan: RolloutPlan, bundle: PolicyBundle, steps: [StepStatus]
    )? {
        let policy = PolicyStore(client: client, logger: logger)
        guard let current = try await policy.currentRevision() else { return nil }
        let bundle = try await policy.bundle(revision: current.number)
        guard let plan = bundle.rollout else { return nil }
        let snapshot = try PolicySnapshot(bundle: bundle, revision: current.number)
        let store = RolloutStore(client: client, logger: logger)
        var steps: [StepStatus] = []
        for step in plan.steps {
            let ring = snapshot.resolve(DecisionContext(user: "", groups: [step.group], at: now)).ring
            let pending = RolloutDecision.pending(step, in: plan, ring: ring, now: now)
            var status = StepStatus(step: step, ring: ring, decision: pending ?? .promote, results: [])
            if pending == nil || (measureAll && pending != .done) {
                let thresholds = plan.gates(of: step)
                status.measured = try await store.measure(
                    group: step.group, window: thresholds.window, staleAfter: staleAfter, now: now)
                status.results =
                    status.measured.map { RolloutGates.evaluate($0, thresholds) } ?? [
                        RolloutGates.Result(gate: "group", passed: false, detail: "no directory group \(step.group)")
                    ]
                if pending == nil { status.decision = RolloutDecision.judge(status.results) }
            }
            steps.append(status)
        }
        return (plan, bundle, steps)
    }

    /// Runs one round at `now`.
    @discardableResult
    public func run(now: Date = Date()) async throws -> Outcome {
        var outcome = Outcome()
        guard let (plan, bundle, steps) = try await status(now: now) else {
            metrics?.noteRolloutHolds(0)
            return outcome
        }
        let store = RolloutStore(client: client, logger: logger)
        var promoted: Set<String> = []
        for status in steps {
            // One move per group and round: the next step sees the new ring next round.
            guard !promoted.contains(status.step.group.lowercased()) else { continue }
            switch status.decision {
            case .promote:
                promoted.insert(status.step.group.lowercased())
                guard try await store.promote(status.step, results: status.results, now: now) != nil else { continue }
                outcome.promoted.append(status.step.name)
                metrics?.recordRollout(.promoted)
            case .hold(let failing):
                if try await store.noteHeld(status.step, failing: failing, now: now) {
                    outcome.held.append(
                        "\(status.step.name): " + failing.map(\.gate).joined(separator: ", "))
                    metrics?.recordRollout(.held)
                    logger.warning(
                        "rollout: step held by its gates",
                        metadata: ["step": "\(status.step.name)", "failing": "\(failing.map(\.gate))"])
                }
            case .done, .waiting, .afterEarlierStep:
                break
            }
        }
        outcome.rulesHeld = try await holdRules(plan: plan, bundle: bundle, now: now)
        // The holds in force: those of the revision the round started from, and its own.
        metrics?.noteRolloutHolds(bundle.adjustments.filter { $0.kind == .hold }.count + outcome.rulesHeld.count)
        return outcome
    }

    /// Holds the rules that block far more than they were candidates before, for every
    /// promotion still watched (``RolloutPlan/HoldPolicy/watchHours``).
    func holdRules(plan: RolloutPlan, bundle: PolicyBundle, now: Date) async throws -> [String] {
        guard let policy = plan.hold else { return [] }
        let store = RolloutStore(client: client, logger: logger)
        var held: [String] = []
        for promotion in bundle.promotions
        where now < promotion.at.addingTimeInterval(Double(policy.watchHours) * 3_600) {
            let (rules, after, before) = try await store.activity(
                group: promotion.group, promotedAt: promotion.at, window: plan.gates.window, now: now)
            for verdict in AutomaticHold.rulesToHold(
                rules, personDaysAfter: after, personDaysBefore: before, policy: policy)
            {
                let id = RolloutStore.holdID(
                    group: promotion.group, pack: verdict.activity.pack, rule: verdict.activity.rule)
                // A hold someone released stays released for this promotion.
                let released = try await store.events(limit: 1, holdID: id, kind: .released, since: promotion.at)
                guard released.isEmpty, !bundle.adjustments.contains(where: { $0.id == id }) else { continue }
                if try await store.hold(
                    group: promotion.group, ring: promotion.ring, verdict: verdict, level: policy.level, now: now)
                    != nil
                {
                    held.append("\(verdict.activity.pack)/\(verdict.activity.rule) for \(promotion.group)")
                    metrics?.recordRollout(.ruleHeld)
                }
            }
        }
        return held
    }
}
