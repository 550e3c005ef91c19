import Testing

@testable import RingfenceCore

@Suite("WeekAggregates")
struct WeekAggregatesTests {
    static var week: WeekAggregates {
        var week = WeekAggregates()
        week.volume = [
            "alice": ["risky_shell": ["pass": 10, "block-candidate": 2]],
            "bob": ["risky_shell": ["pass": 1], "mcp_tool": ["warn": 4]],
            "carol": ["risky_shell": ["pass": 100]],
        ]
        let rs = WeekAggregates.RuleKey(pack: "p", ruleID: "RS-1", surface: "risky_shell")
        let mcp = WeekAggregates.RuleKey(pack: "p", ruleID: "MCP-1", surface: "mcp_tool")
        week.candidates = [
            "alice": [rs: .init(count: 2, example: "rm -rf b/"), mcp: .init(count: 1, example: "")],
            "bob": [rs: .init(count: 5, example: "rm -rf a/")],
            "carol": [mcp: .init(count: 50, example: "x")],
        ]
        return week
    }

    @Test("a group's volume is the sum over its members only")
    func volume() {
        let volume = Self.week.volume(of: ["alice", "bob", "nobody"])
        #expect(volume.bySurface == ["risky_shell": ["pass": 11, "block-candidate": 2], "mcp_tool": ["warn": 4]])
        #expect(volume.total == 17)
        #expect(Self.week.volume(of: []).total == 0)
    }

    @Test("noisy rules: most candidates first, users hit and their share, the smallest non-empty example")
    func noisyRules() {
        let rules = Self.week.noisyRules(of: ["alice", "bob"])
        #expect(rules.map(\.ruleID) == ["RS-1", "MCP-1"])
        #expect(rules[0].candidates == 7 && rules[0].usersHit == 2 && rules[0].shareOfMembers == 1)
        #expect(rules[0].example == "rm -rf a/")
        #expect(rules[1].candidates == 1 && rules[1].shareOfMembers == 0.5 && rules[1].example == "")
        #expect(Self.week.noisyRules(of: ["alice", "bob"], limit: 1).count == 1)
        #expect(Self.week.noisyRules(of: []).isEmpty)
    }
}
