import Foundation
import Testing

@testable import RingfenceCore

/// What a step waits for, and how its gates decide.
@Suite("Rollout decisions")
struct RolloutDecisionTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let toTarget = RolloutPlan.Step(group: "web", ring: .target, after: now.addingTimeInterval(-60))
    static let toEnforce = RolloutPlan.Step(group: "Web", ring: .enforce)
    static let plan = RolloutPlan(steps: [toEnforce, toTarget])

    static func result(_ gate: String, _ passed: Bool) -> RolloutGates.Result {
        .init(gate: gate, passed: passed, detail: "")
    }

    @Test("a group in the step's ring or higher is done")
    func done() {
        #expect(RolloutDecision.pending(Self.toTarget, in: Self.plan, ring: .target, now: Self.now) == .done)
        #expect(RolloutDecision.pending(Self.toTarget, in: Self.plan, ring: .enforce, now: Self.now) == .done)
    }

    @Test("a step waits for its moment, then for the group's earlier step")
    func waiting() {
        let early = Self.now.addingTimeInterval(-120)
        #expect(
            RolloutDecision.pending(Self.toTarget, in: Self.plan, ring: .audit, now: early)
                == .waiting(until: Self.toTarget.after!))
        #expect(
            RolloutDecision.pending(Self.toEnforce, in: Self.plan, ring: .audit, now: Self.now)
                == .afterEarlierStep(Self.toTarget))
        #expect(RolloutDecision.pending(Self.toTarget, in: Self.plan, ring: .audit, now: Self.now) == nil)
        #expect(RolloutDecision.pending(Self.toEnforce, in: Self.plan, ring: .target, now: Self.now) == nil)
    }

    @Test("every gate holding promotes; any failing holds, naming the failing ones")
    func judging() {
        #expect(RolloutDecision.judge([Self.result("a", true), Self.result("b", true)]) == .promote)
        #expect(RolloutDecision.judge([]) == .promote)
        let held = RolloutDecision.judge([Self.result("a", true), Self.result("b", false), Self.result("c", false)])
        #expect(held == .hold([Self.result("b", false), Self.result("c", false)]))
        #expect(held.summary == "held by b, c")
    }

    @Test("a plan names steps planned twice and holds that would block")
    func problems() {
        let twice = RolloutPlan(steps: [Self.toTarget, .init(group: "WEB", ring: .target)])
        #expect(twice.problems == ["the rollout plan has the step WEB → ring 3 twice"])
        let blocking = RolloutPlan(hold: .init(level: .block))
        #expect(blocking.problems == ["a rollout hold keeps a rule at observe or warn"])
        #expect(Self.plan.problems.isEmpty)
    }
}
