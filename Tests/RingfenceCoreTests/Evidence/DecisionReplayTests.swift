import Foundation
import Testing

@testable import RingfenceCore

@Suite("DecisionReplay: an event compared with the policy rebuilt for it")
struct DecisionReplayTests {
    static let shell = PackVersion(
        pack: "shell", version: 1,
        rules: [
            Rule(id: "RS-1", surface: .riskyShell, match: ["rm -rf /*"], level: .block, risk: .critical),
            Rule(id: "RS-2", surface: .riskyShell, match: ["curl * | sh"], level: .warn, risk: .high),
        ])

    static func resolution(ring: Ring, rules: Bool = true) throws -> Resolution {
        let assignments =
            rules ? [Assignment(id: "all", pack: "shell", version: .exact(1), priority: 1, selector: Selector())] : []
        return try PolicySnapshot(
            bundle: PolicyBundle(packs: [shell], assignments: assignments), revision: 4
        ).resolve(DecisionContext(user: "bob", hostRing: ring, at: Date()))
    }

    static func event(
        _ resolution: Resolution, rule: String = "RS-2", verdict: Verdict = .warn, applied: Level = .warn,
        uncapped: Level = .warn, etag: String? = nil
    ) -> AuditEventRecord {
        AuditEventRecord(
            hostID: UUID(), eventID: "e", occurredAt: Date(), user: "bob", agentKind: "claude-code",
            surface: .riskyShell, pack: rule.isEmpty ? "" : "shell", packVersion: 1, ruleID: rule, verdict: verdict,
            appliedLevel: applied, uncappedLevel: uncapped, policyETag: etag ?? resolution.etag, policyRevision: 4)
    }

    @Test("same etag, same rule at the same levels: reproduced")
    func reproduced() throws {
        let enforce = try Self.resolution(ring: .enforce)
        let replay = DecisionReplay(event: Self.event(enforce), replayed: enforce)
        #expect(replay.outcome == .reproduced)
        #expect(replay.rule?.rule.id == "RS-2")
        // Ring 3 caps RS-2 (high) to observe; the event of an agent that could not warn too.
        let target = try Self.resolution(ring: .target)
        let capped = Self.event(target, verdict: .warnCandidate, applied: .observe)
        #expect(DecisionReplay(event: capped, replayed: target).outcome == .reproduced)
    }

    @Test("another etag, another level, a rule the policy lacks: each difference named")
    func differences() throws {
        let enforce = try Self.resolution(ring: .enforce)
        let target = try Self.resolution(ring: .target)
        // The event claims ring 4's decision, the replay is ring 3's.
        guard case .differs(let reasons) = DecisionReplay(event: Self.event(enforce), replayed: target).outcome
        else {
            Issue.record("expected a difference")
            return
        }
        #expect(reasons.count == 2)
        #expect(reasons[0] == "the replayed policy has etag \(target.etag), the agent held \(enforce.etag)")
        #expect(reasons[1] == "shell/RS-2 replays at observe (uncapped warn); the event recorded warn (uncapped warn)")
        let missing = Self.event(enforce, rule: "RS-9")
        #expect(
            DecisionReplay(event: missing, replayed: enforce).outcome
                == .differs(["the replayed policy has no rule shell/RS-9 on risky_shell"]))
    }

    @Test("an event decided without a policy has nothing to replay")
    func withoutPolicy() throws {
        let enforce = try Self.resolution(ring: .enforce)
        let failClosed = Self.event(enforce, rule: "FAIL-CLOSED", verdict: .block, applied: .block, etag: "")
        #expect(DecisionReplay(event: failClosed, replayed: enforce).outcome == .withoutPolicy)
    }

    @Test("today's change: the rule's levels, a rule gone, a surface's level for an event with no rule")
    func todaysChange() throws {
        let enforce = try Self.resolution(ring: .enforce)
        let target = try Self.resolution(ring: .target)
        let event = Self.event(enforce)
        #expect(DecisionReplay.change(event: event, replayed: enforce, today: enforce) == nil)
        #expect(
            DecisionReplay.change(event: event, replayed: enforce, today: target)
                == "shell/RS-2 is at observe (uncapped warn) today; warn (uncapped warn) then")
        let none = try Self.resolution(ring: .enforce, rules: false)
        #expect(
            DecisionReplay.change(event: event, replayed: enforce, today: none)
                == "shell/RS-2 no longer applies on risky_shell")
        let pass = Self.event(enforce, rule: "", verdict: .pass, applied: .off, uncapped: .off)
        #expect(
            DecisionReplay.change(event: pass, replayed: enforce, today: target)
                == "risky_shell is at observe today (block then)")
    }
}
