import Foundation
import Testing

@testable import RingfenceCore

@Suite("NextRingImpact")
struct NextRingImpactTests {
    static let at = Date(timeIntervalSince1970: 1_800_000_000)

    /// One pack: a shell rule at block and a read rule at warn, assigned to the `a/*` and `r`
    /// repositories (targeted, so ring 3 lets them warn and block).
    static let snapshot = try! PolicySnapshot(
        bundle: PolicyBundle(
            packs: [
                PackVersion(
                    pack: "p", version: 1,
                    rules: [
                        Rule(id: "RS", surface: .riskyShell, match: ["rm -rf *"], level: .block, risk: .high),
                        Rule(id: "SP", surface: .sensitivePathRead, match: ["**/.env"], level: .warn, risk: .medium),
                    ])
            ],
            assignments: [Assignment(id: "repos", pack: "p", priority: 1, selector: Selector(repos: ["a/*", "r"]))]))

    static func events(
        _ user: String, ring: Ring, repo: String, rule: String, surface: Surface, verdict: Verdict, count: Int
    )
        -> ImpactPreview.ObservedEvents
    {
        ImpactPreview.ObservedEvents(
            context: DecisionContext(user: user, hostRing: ring, repo: repo, agent: "claude-code", at: at), pack: "p",
            ruleID: rule,
            surface: surface, verdict: verdict, count: count)
    }

    @Test(
        "events seen under ring 2's caps are re-evaluated one ring up: blocks and warns counted, people and repositories"
    )
    func audit() throws {
        let events = [
            Self.events(
                "alice", ring: .audit, repo: "a/x", rule: "RS", surface: .riskyShell, verdict: .blockCandidate, count: 5
            ),
            Self.events(
                "bob", ring: .audit, repo: "a/y", rule: "RS", surface: .riskyShell, verdict: .blockCandidate, count: 2),
            Self.events(
                "Bob", ring: .audit, repo: "a/y", rule: "SP", surface: .sensitivePathRead, verdict: .warnCandidate,
                count: 3),
        ]
        let summary = try #require(NextRingImpact.summarize(events: events, ring: .audit, snapshot: Self.snapshot))
        #expect(summary.fromRing == 2 && summary.toRing == 3)
        #expect(summary.newlyBlocked == 7)
        #expect(summary.newlyWarned == 3)
        #expect(summary.bySurface == ["risky_shell": ["block": 7], "sensitive_path_read": ["warn": 3]])
        #expect(summary.people == 2, "user names count case-insensitively")
        #expect(summary.repos == 2)
        #expect(
            summary.readiness(group: "eng").hasPrefix("moving eng to ring 3 would newly block \(summary.newlyBlocked)"))
    }

    @Test("events already blocked or warned change nothing; the last ring has no next")
    func nothingNew() throws {
        let events = [
            Self.events(
                "alice", ring: .target, repo: "a/x", rule: "RS", surface: .riskyShell, verdict: .block, count: 4)
        ]
        let summary = try #require(NextRingImpact.summarize(events: events, ring: .target, snapshot: Self.snapshot))
        #expect(summary.newlyBlocked == 0 && summary.newlyWarned == 0 && summary.people == 0)
        #expect(summary.topRule == nil)
        #expect(summary.readiness(group: "eng") == "moving eng to ring 4 would change nothing for last week's actions")
        #expect(NextRingImpact.summarize(events: events, ring: .enforce, snapshot: Self.snapshot) == nil)
    }

    @Test("the top rule is the one with most newly blocked events, with its share")
    func topRule() throws {
        let events = [
            Self.events("a", ring: .target, repo: "r", rule: "RS", surface: .riskyShell, verdict: .pass, count: 3),
            Self.events(
                "b", ring: .target, repo: "r", rule: "SP", surface: .sensitivePathRead, verdict: .pass, count: 9),
        ]
        let summary = try #require(NextRingImpact.summarize(events: events, ring: .target, snapshot: Self.snapshot))
        #expect(summary.newlyBlocked == 3 && summary.newlyWarned == 9)
        #expect(summary.topRule == NextRingImpact.TopRule(pack: "p", ruleID: "RS", surface: "risky_shell", share: 1))
    }
}
