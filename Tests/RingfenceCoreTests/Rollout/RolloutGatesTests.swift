import Foundation
import Testing

@testable import RingfenceCore

/// Gates judged on their numbers: each passes or fails at its threshold, an empty group
/// fails the share gates, unset gates are not checked, a step's own thresholds win.
@Suite("Rollout gates")
struct RolloutGatesTests {
    static let measured = GateMeasurements(
        members: 8, membersConnected: 7, hostsConnected: 10, hostsHooked: 9, activePersonDays: 20,
        blockCandidates: 30, noisiestRule: .init(pack: "shell", rule: "RS-2", users: 2), openExceptions: 3)

    static let strict = RolloutGates.Thresholds(
        windowDays: 7, connectedMembers: 0.875, hookedHosts: 0.9, blockCandidatesPerPersonDay: 1.5,
        ruleNoiseShare: 0.25, openExceptions: 3)

    func verdicts(_ measured: GateMeasurements, _ thresholds: RolloutGates.Thresholds) -> [String: Bool] {
        Dictionary(uniqueKeysWithValues: RolloutGates.evaluate(measured, thresholds).map { ($0.gate, $0.passed) })
    }

    @Test("every gate passes exactly at its threshold")
    func atThresholds() {
        #expect(
            verdicts(Self.measured, Self.strict) == [
                "connectedMembers": true, "hookedHosts": true, "blockCandidatesPerPersonDay": true,
                "ruleNoiseShare": true, "openExceptions": true,
            ])
    }

    @Test("every gate fails one step past its threshold, alone")
    func pastThresholds() {
        var measured = Self.measured
        measured.membersConnected = 6
        #expect(verdicts(measured, Self.strict).filter { !$0.value }.keys.sorted() == ["connectedMembers"])
        measured = Self.measured
        measured.hostsHooked = 8
        #expect(verdicts(measured, Self.strict).filter { !$0.value }.keys.sorted() == ["hookedHosts"])
        measured = Self.measured
        measured.blockCandidates = 31
        #expect(verdicts(measured, Self.strict).filter { !$0.value }.keys.sorted() == ["blockCandidatesPerPersonDay"])
        measured = Self.measured
        measured.noisiestRule?.users = 3
        #expect(verdicts(measured, Self.strict).filter { !$0.value }.keys.sorted() == ["ruleNoiseShare"])
        measured = Self.measured
        measured.openExceptions = 4
        #expect(verdicts(measured, Self.strict).filter { !$0.value }.keys.sorted() == ["openExceptions"])
    }

    @Test("the results carry the numbers")
    func details() {
        let results = RolloutGates.evaluate(Self.measured, Self.strict)
        #expect(
            results.first { $0.gate == "hookedHosts" }?.detail
                == "9 of 10 connected hosts have every hook installed and no drift (90 %); at least 90 %")
        #expect(
            results.first { $0.gate == "blockCandidatesPerPersonDay" }?.detail
                == "30 block candidates over 20 active person-days (1.50 a person-day); at most 1.50")
        #expect(
            results.first { $0.gate == "connectedMembers" }?.detail
                == "7 of 8 members have a connected host (87.5 %); at least 87.5 %")
        #expect(results.first { $0.gate == "ruleNoiseShare" }?.detail.contains("shell/RS-2, hit 2 of 8") == true)
    }

    @Test("an empty group or one without connected hosts fails the share gates; no events is no noise")
    func emptyGroup() {
        let nobody = GateMeasurements(
            members: 0, membersConnected: 0, hostsConnected: 0, hostsHooked: 0, activePersonDays: 0,
            blockCandidates: 0, noisiestRule: nil, openExceptions: 0)
        #expect(
            verdicts(nobody, Self.strict) == [
                "connectedMembers": false, "hookedHosts": false, "blockCandidatesPerPersonDay": true,
                "ruleNoiseShare": true, "openExceptions": true,
            ])
    }

    @Test("unset gates are not checked; a step's thresholds win over the plan's")
    func merging() {
        #expect(RolloutGates.evaluate(Self.measured, .init()).isEmpty)
        let step = RolloutGates.Thresholds(hookedHosts: 0.95)
        let merged = step.merged(over: Self.strict)
        #expect(merged.hookedHosts == 0.95 && merged.connectedMembers == 0.875 && merged.windowDays == 7)
        #expect(verdicts(Self.measured, merged)["hookedHosts"] == false)
        #expect(RolloutGates.Thresholds().window == 7 * 86_400)
    }
}
