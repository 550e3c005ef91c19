import Foundation
import Testing

@testable import RingfenceCore

/// Example-based tests, one group per rule of docs/resolution.md.
@Suite("Resolver rules")
struct ResolverTests {
    static let shell = PackVersion(
        pack: "shell", version: 1,
        rules: [
            Rule(id: "RS-1", surface: .riskyShell, match: ["rm -rf /*"], level: .block, risk: .critical),
            Rule(id: "RS-2", surface: .riskyShell, match: ["curl * | sh"], level: .warn, risk: .high),
        ])
    static let shell2 = PackVersion(
        pack: "shell", version: 2,
        rules: [
            Rule(id: "RS-1", surface: .riskyShell, match: ["rm -rf /*"], level: .warn, risk: .critical)
        ])
    static let secrets = PackVersion(
        pack: "secrets", version: 1,
        rules: [
            Rule(id: "SP-1", surface: .sensitivePathRead, match: ["**/.env"], level: .block, risk: .high)
        ])

    func snapshot(
        _ assignments: [Assignment], rings: [RingMapping] = [], roles: [RoleMapping] = [], revision: Int64 = 0
    ) throws -> PolicySnapshot {
        try PolicySnapshot(
            bundle: PolicyBundle(
                packs: [Self.shell, Self.shell2, Self.secrets], assignments: assignments,
                ringMappings: rings, roleMappings: roles), revision: revision)
    }

    // Rule 1
    @Test("roles come from the directory and from role mappings of the user's groups")
    func roles() throws {
        let policy = try snapshot(
            [
                Assignment(
                    id: "admins", pack: "shell", version: .exact(1), priority: 1, selector: Selector(roles: ["admin"]))
            ],
            roles: [RoleMapping(group: "Platform-Admins", role: "Admin")])
        #expect(
            policy.resolve(DecisionContext(user: "k", groups: ["platform-admins"], hostRing: .enforce, at: Date()))
                .surface(
                    .riskyShell)?.level == .block)
        #expect(
            policy.resolve(DecisionContext(user: "k", roles: ["ADMIN"], hostRing: .enforce, at: Date())).surface(
                .riskyShell)?.level
                == .block)
        let outsider = policy.resolve(DecisionContext(user: "x", groups: ["devs"], hostRing: .enforce, at: Date()))
        #expect(outsider.traceLines.first?.outcome == "not-matched")
        #expect(outsider.traceLines.first?.reason.contains("roles [admin]") == true)
    }

    // Rule 4
    @Test(
        "each selector field can be the one that fails, and the trace names it",
        arguments: [
            (Selector(groups: ["payments-eng"]), "groups"),
            (Selector(roles: ["lead"]), "roles"),
            (Selector(hostRings: [.enforce]), "ring 3 not in hostRings [4]"),
            (Selector(hostTags: ["ci"]), "hostTags"),
            (Selector(repos: ["payments/*"]), "repository core/lib matches none of [payments/*]"),
            (Selector(repoTrust: [.production]), "trust internal not in repoTrust [production]"),
            (Selector(agents: ["cursor"]), "agent claude-code not in agents [cursor]"),
            (Selector(surfaces: [.mcpTool]), "none of them resolved"),
        ])
    func selectorFields(selector: Selector, reason: String) throws {
        let policy = try snapshot([Assignment(id: "a", pack: "shell", priority: 1, selector: selector)])
        let context = DecisionContext(
            user: "u", groups: ["core-eng"], roles: ["dev"], hostRing: .target, hostTags: ["laptop"],
            repo: "core/lib", trust: .internal, agent: "Claude-Code", surfaces: [.riskyShell], at: Date())
        let line = try #require(policy.resolve(context).traceLines.first)
        #expect(line.outcome == "not-matched")
        #expect(line.reason.contains(reason), "\(line.reason)")
    }

    @Test("a context without a repository never matches a repos selector; trust unknown never matches repoTrust")
    func missingRepo() throws {
        let policy = try snapshot([
            Assignment(id: "repo", pack: "shell", priority: 2, selector: Selector(repos: ["**"])),
            Assignment(id: "trust", pack: "secrets", priority: 1, selector: Selector(repoTrust: RepoTrust.allCases)),
        ])
        let lines = policy.resolve(DecisionContext(user: "u", hostRing: .enforce, at: Date())).traceLines
        #expect(lines.map(\.outcome) == ["not-matched", "not-matched"])
    }

    // Rule 3 and 5
    @Test("equal priorities rank by id; the same pack twice applies once, from the higher-ranked assignment")
    func shadowing() throws {
        let policy = try snapshot([
            Assignment(id: "b-new", pack: "shell", version: .exact(1), priority: 5),
            Assignment(id: "a-old", pack: "shell", version: .exact(2), priority: 5),
        ])
        let resolution = policy.resolve(DecisionContext(user: "u", hostRing: .enforce, at: Date()))
        #expect(resolution.traceLines.map(\.assignment) == ["a-old", "b-new"])
        #expect(resolution.traceLines.map(\.outcome) == ["matched", "shadowed"])
        #expect(resolution.traceLines[1].reason.contains("already applied by a-old"))
        let rules = try #require(resolution.surface(.riskyShell)).rules
        #expect(rules.map(\.packVersion) == [2])
        #expect(rules.map(\.level) == [.warn])
    }

    @Test("latest means the highest version in the snapshot")
    func latestVersion() throws {
        let policy = try snapshot([Assignment(id: "a", pack: "shell", priority: 1)])
        let rules = try #require(
            policy.resolve(DecisionContext(user: "u", hostRing: .enforce, at: Date())).surface(.riskyShell)
        )
        .rules
        #expect(rules.map(\.packVersion) == [2])
    }

    // Rule 6
    @Test("lower-ranked overrides have no effect once a higher one set the surface")
    func firstOverrideWins() throws {
        let policy = try snapshot([
            Assignment(id: "base", pack: "shell", version: .exact(1), priority: 1, overrides: [.riskyShell: .block]),
            Assignment(id: "observe-all", priority: 10, overrides: [.riskyShell: .observe]),
        ])
        let surface = try #require(
            policy.resolve(DecisionContext(user: "u", hostRing: .enforce, at: Date())).surface(.riskyShell))
        #expect(surface.rules.map(\.level) == [.observe, .observe])
        #expect(surface.level == .observe)
    }

    @Test("an assignment's surfaces field narrows where its rules and overrides act")
    func surfaceNarrowing() throws {
        let policy = try snapshot([
            Assignment(id: "secrets", pack: "secrets", priority: 1),
            Assignment(
                id: "shell-only-exemption", priority: 9, selector: Selector(surfaces: [.riskyShell]),
                overrides: [.riskyShell: .off, .sensitivePathRead: .off]),
        ])
        let resolution = policy.resolve(DecisionContext(user: "u", hostRing: .enforce, at: Date()))
        #expect(resolution.surface(.sensitivePathRead)?.level == .block)
    }

    // Rule 7
    @Test("in ring 3 a targeted override raises untargeted rules past the observe cap")
    func targetedOverrideLiftsCap() throws {
        let policy = try snapshot([
            Assignment(id: "baseline", pack: "secrets", priority: 1),
            Assignment(
                id: "payments-harden", priority: 5, selector: Selector(groups: ["payments-eng"]),
                overrides: [.sensitivePathRead: .block]),
        ])
        #expect(
            policy.resolve(DecisionContext(user: "u", groups: ["payments-eng"], hostRing: .target, at: Date())).surface(
                .sensitivePathRead)?.level == .block)
        #expect(
            policy.resolve(DecisionContext(user: "u", groups: ["data-eng"], hostRing: .target, at: Date())).surface(
                .sensitivePathRead)?.level == .observe)
    }

    // Rule 8
    @Test("the winner reaches the applied level first in rank order; nothing speaking means off without winner")
    func winners() throws {
        let policy = try snapshot([
            Assignment(id: "low-block", pack: "secrets", priority: 1),
            Assignment(id: "high-shell", pack: "shell", version: .exact(1), priority: 9),
        ])
        let resolution = policy.resolve(
            DecisionContext(
                user: "u", hostRing: .enforce, surfaces: [.riskyShell, .sensitivePathRead, .mcpTool], at: Date()))
        #expect(resolution.surface(.riskyShell)?.winningAssignment == "high-shell")
        #expect(resolution.surface(.sensitivePathRead)?.winningAssignment == "low-block")
        #expect(resolution.surface(.mcpTool)?.level == .off)
        #expect(resolution.surface(.mcpTool)?.winningAssignment == nil)
        #expect(resolution.traceLines.first { $0.assignment == "high-shell" }?.wonSurfaces == ["risky_shell"])
    }

    // Rule 11
    @Test("the etag ignores revision, ids, priorities and unrelated surfaces, and follows content")
    func etag() throws {
        let context = DecisionContext(user: "u", groups: ["g"], hostRing: .enforce, at: Date())
        let a = try snapshot([Assignment(id: "one", pack: "secrets", priority: 1)], revision: 1).resolve(context)
        let b = try snapshot(
            [
                Assignment(id: "two", pack: "secrets", priority: 77, selector: Selector(groups: ["g"])),
                Assignment(
                    id: "other", priority: 1, selector: Selector(groups: ["nobody"]), overrides: [.mcpTool: .block]),
            ],
            revision: 9
        ).resolve(context)
        #expect(a.etag == b.etag)
        #expect(a.etag.count == 32)
        // An override that changes nothing (every rule already blocks) does not change the etag either.
        let c = try snapshot([
            Assignment(id: "x", pack: "secrets", priority: 1, overrides: [.sensitivePathRead: .block])
        ]).resolve(context)
        #expect(c.etag == a.etag)
        // Content changes do.
        let warn = try snapshot([
            Assignment(id: "x", pack: "secrets", priority: 1, overrides: [.sensitivePathRead: .warn])
        ]).resolve(context)
        #expect(warn.etag != a.etag)
        var ring2 = context
        ring2.hostRing = .audit
        #expect(try snapshot([Assignment(id: "one", pack: "secrets", priority: 1)]).resolve(ring2).etag != a.etag)
    }

    @Test("the approved MCP catalogue counts in the etag when an MCP surface has rules, and only then")
    func catalogEtag() throws {
        let context = DecisionContext(user: "u", hostRing: .enforce, at: Date())
        func resolve(_ servers: [ApprovedMcpServer], overrides: [Surface: Level] = [:]) throws -> Resolution {
            try PolicySnapshot(
                bundle: PolicyBundle(
                    packs: [Self.shell, Self.secrets],
                    assignments: [Assignment(id: "s", pack: "secrets", priority: 1)]
                        + (overrides.isEmpty ? [] : [Assignment(id: "m", priority: 2, overrides: overrides)]),
                    mcpServers: servers), revision: 0
            ).resolve(context)
        }
        let github = [ApprovedMcpServer(name: "github", url: "https://api.githubcopilot.com/mcp/*")]
        #expect(try resolve([]).etag == resolve(github).etag, "no MCP rules: the catalogue changes nothing")
        func blockingUnapproved(_ servers: [ApprovedMcpServer]) throws -> Resolution {
            let rule = Rule(id: "M-0", surface: .unapprovedMcpServer, match: ["*"], level: .block, risk: .high)
            return try PolicySnapshot(
                bundle: PolicyBundle(
                    packs: [PackVersion(pack: "mcp", version: 1, rules: [rule])],
                    assignments: [Assignment(id: "m", pack: "mcp", priority: 1)], mcpServers: servers), revision: 0
            ).resolve(context)
        }
        let withRules = try blockingUnapproved(github)
        let withoutServer = try blockingUnapproved([])
        #expect(withRules.etag != withoutServer.etag)
        #expect(withRules.mcpServers == github)
    }

    @Test("a bundle with broken references does not compile")
    func invalidBundle() {
        #expect(throws: PolicySnapshotError.self) {
            try PolicySnapshot(bundle: PolicyBundle(assignments: [Assignment(id: "a", pack: "missing", priority: 1)]))
        }
    }
}
