import Foundation
import Testing

@testable import RingfenceCore

@Suite("PolicyDiff")
struct PolicyDiffTests {
    let pack = PackVersion(
        pack: "p", version: 1, rules: [Rule(id: "R", surface: .riskyShell, match: ["x"], level: .warn, risk: .low)])

    @Test("added, changed, removed assignments, new pack versions and mapping changes")
    func diff() {
        let current = PolicyBundle(
            packs: [pack],
            assignments: [Assignment(id: "a", pack: "p", priority: 1), Assignment(id: "b", pack: "p", priority: 1)])
        var pack2 = pack
        pack2.version = 2
        let next = PolicyBundle(
            packs: [pack, pack2],
            assignments: [Assignment(id: "a", pack: "p", priority: 2), Assignment(id: "c", pack: "p", priority: 1)],
            ringMappings: [RingMapping(group: "g", ring: .audit)])
        let diff = PolicyDiff(from: current, to: next)
        #expect(
            diff.lines == [
                "+ assignment c", "~ assignment a: priority: 1 → 2", "- assignment b", "+ pack version p@2",
                "+ ring mapping g → ring 2 (priority 0)",
            ])
        #expect(PolicyDiff(from: next, to: next).isEmpty)
        #expect(PolicyDiff(from: nil, to: current).added == ["a", "b"])
    }

    @Test(
        "a rollback that only drops the latest pack version is a difference: the assignments now use the older version")
    func rollbackToOlderVersion() {
        var pack2 = pack
        pack2.version = 2
        pack2.rules[0].level = .block
        let assignment = Assignment(id: "a", pack: "p", priority: 1)  // version: latest
        let current = PolicyBundle(packs: [pack, pack2], assignments: [assignment])
        let target = PolicyBundle(packs: [pack], assignments: [assignment])
        let diff = PolicyDiff(from: current, to: target, published: ["p@1", "p@2"])
        #expect(!diff.isEmpty)
        #expect(diff.lines == ["~ assignment a: p@2 → p@1", "- pack version p@2"])
    }

    @Test("a pack version published before and back after a rollback is not listed as new")
    func returningVersion() {
        var pack2 = pack
        pack2.version = 2
        let assignment = Assignment(id: "a", pack: "p", priority: 1)
        let rolledBack = PolicyBundle(packs: [pack], assignments: [assignment])
        let files = PolicyBundle(packs: [pack2], assignments: [assignment])
        let diff = PolicyDiff(from: rolledBack, to: files, published: ["p@1", "p@2"])
        #expect(diff.newPackVersions.isEmpty)
        #expect(
            diff.lines == [
                "~ assignment a: p@1 → p@2", "+ pack version p@2 (published before; back in force)",
                "- pack version p@1",
            ])
        var pack3 = pack
        pack3.version = 3
        let fresh = PolicyDiff(
            from: rolledBack, to: PolicyBundle(packs: [pack3], assignments: [assignment]), published: ["p@1", "p@2"])
        #expect(fresh.newPackVersions == ["p@3"])
    }

    @Test("repository entries added, removed and reordered are changes; the same list is none")
    func repositories() {
        let first = PolicyBundle(repositories: [
            RepositoryRule(match: "a/*", trust: .production), RepositoryRule(match: "**", trust: .internal),
        ])
        #expect(PolicyDiff(from: first, to: first).isEmpty)
        var next = first
        next.repositories[0].trust = .sandbox
        let diff = PolicyDiff(from: first, to: next)
        #expect(diff.lines == ["- repositories[0] a/* → production", "+ repositories[0] a/* → sandbox"])
        let reordered = PolicyBundle(repositories: first.repositories.reversed())
        #expect(!PolicyDiff(from: first, to: reordered).isEmpty)
    }

    @Test("approved MCP servers added and removed are changes")
    func mcpServers() {
        let first = PolicyBundle(mcpServers: [ApprovedMcpServer(name: "db", command: ["npx", "db-mcp"])])
        #expect(PolicyDiff(from: first, to: first).isEmpty)
        let next = PolicyBundle(mcpServers: [ApprovedMcpServer(name: "db", url: "https://db.example.com/mcp")])
        #expect(
            PolicyDiff(from: first, to: next).lines == [
                "- mcpServers db (npx db-mcp)", "+ mcpServers db (https://db.example.com/mcp)",
            ])
    }

    @Test("changes read field by field: assignments, mappings, the rollout plan, exceptions, holds and promotions")
    func readable() {
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let before = PolicyBundle(
            packs: [pack],
            assignments: [
                Assignment(
                    id: "a", pack: "p", priority: 1, selector: Selector(groups: ["g"]), overrides: [.riskyShell: .warn])
            ],
            ringMappings: [
                RingMapping(group: "g", ring: .audit, priority: 5), RingMapping(group: "old", ring: .audit),
            ],
            roleMappings: [RoleMapping(group: "admins", role: "admin")],
            rollout: RolloutPlan(gates: .init(hookedHosts: 0.9), steps: [.init(group: "g", ring: .target)]))
        var after = before
        after.assignments[0].priority = 5
        after.assignments[0].selector.groups = ["g", "h"]
        after.assignments[0].overrides = [.riskyShell: .block, .mcpTool: .observe]
        after.assignments[0].description = "wider"
        after.ringMappings = [RingMapping(group: "G", ring: .target, priority: 5)]
        after.roleMappings = []
        after.rollout?.gates.hookedHosts = 0.95
        after.adjustments = [
            RuleAdjustment(
                id: "hold-g-p-r", kind: .hold, pack: "p", rule: "R", level: .warn, group: "g", validFrom: at,
                actor: "ringfence")
        ]
        after.promotions = [RingPromotion(group: "g", ring: .target, at: at)]
        #expect(
            PolicyDiff(from: before, to: after).lines == [
                "~ assignment a: priority: 1 → 5",
                "~ assignment a: selector.groups: [g] → [g, h]",
                "~ assignment a: overrides.risky_shell: warn → block",
                "~ assignment a: overrides.mcp_tool: (none) → observe",
                "~ assignment a: description: (none) → \"wider\"",
                "~ ring mapping G: ring: 2 → 3",
                "- ring mapping old → ring 2 (priority 0)",
                "- role mapping admins → admin",
                "~ rollout plan: gates.hookedHosts: 0.9 → 0.95",
                "+ hold hold-g-p-r: p/R at most warn for the members of g (by ringfence)",
                "+ promotion g → ring 3",
            ])
        #expect(PolicyDiff(from: after, to: before).lines.contains("- promotion g → ring 3"))
    }
}
