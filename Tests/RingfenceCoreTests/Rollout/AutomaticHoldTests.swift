import Foundation
import Testing

@testable import RingfenceCore

/// Which rules the service holds after a promotion: blocks per active person-day against
/// the candidates per person-day before, over a minimum.
@Suite("Automatic holds")
struct AutomaticHoldTests {
    static let policy = RolloutPlan.HoldPolicy(watchHours: 24, rise: 3, minimumBlocks: 10)

    func held(_ activity: [AutomaticHold.RuleActivity], after: Int = 4, before: Int = 20) -> [String] {
        AutomaticHold.rulesToHold(activity, personDaysAfter: after, personDaysBefore: before, policy: Self.policy)
            .map { "\($0.activity.pack)/\($0.activity.rule)" }
    }

    @Test("a rule blocking more than rise × its candidates before is held; at rise × it is not")
    func rise() {
        // Before: 20 candidates over 20 person-days = 1 a day; after, 4 person-days.
        let spike = AutomaticHold.RuleActivity(pack: "p", rule: "A", blocksAfter: 13, candidatesBefore: 20)
        let steady = AutomaticHold.RuleActivity(pack: "p", rule: "B", blocksAfter: 12, candidatesBefore: 20)
        #expect(held([spike, steady]) == ["p/A"])
    }

    @Test("fewer blocks than the minimum are never held, however sharp the rise")
    func minimum() {
        let few = AutomaticHold.RuleActivity(pack: "p", rule: "A", blocksAfter: 9, candidatesBefore: 0)
        let enough = AutomaticHold.RuleActivity(pack: "p", rule: "B", blocksAfter: 10, candidatesBefore: 0)
        #expect(held([few, enough]) == ["p/B"])
    }

    @Test("no activity before counts as one person-day; the reason has the numbers")
    func reason() throws {
        let rule = AutomaticHold.RuleActivity(pack: "secrets", rule: "SP-1", blocksAfter: 40, candidatesBefore: 2)
        let verdict = try #require(
            AutomaticHold.rulesToHold([rule], personDaysAfter: 4, personDaysBefore: 0, policy: Self.policy).first)
        #expect(
            verdict.reason
                == "40 blocks over 4 active person-days since the promotion (10.00 a person-day) against 2 block candidates over 0 before it (2.00); more than 3.00×"
        )
    }
}
