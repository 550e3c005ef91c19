import Foundation
import RingfenceCore
import Testing

@testable import RingfenceFiles

@Suite("Policy files")
struct PolicyFilesTests {
    let pack = """
        pack: shell
        version: 2
        description: Dangerous shell commands
        rules:
          - id: RS-1
            surface: risky_shell
            match: ["rm -rf /*"]
            level: block
            risk: critical
        """

    func errors(_ sources: [(String, String)]) -> [String] {
        do {
            _ = try PolicyFiles.parse(sources, now: Date())
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    @Test("a complete policy loads: pack, assignments with every selector field, mappings")
    func loads() throws {
        let assignments = """
            assignments:
              - id: baseline
                pack: shell
                version: 2
                priority: 100
                selector:
                  groups: [engineering]
                  roles: developer
                  hostRings: [2, 3]
                  hostTags: [laptop]
                  repos: ["payments/*"]
                  repoTrust: [production, internal]
                  agents: [claude-code]
                  surfaces: [risky_shell]
                overrides: { risky_shell: off }
                validFrom: 2026-11-01T00:00:00Z
                validUntil: 2026-12-01T00:00:00.500Z
                description: The baseline
            rings:
              - { group: ai-pilot, ring: 3, priority: 5 }
            roles:
              - { group: platform-admins, role: admin }
            """
        let policy = try PolicyFiles.parse([("packs.yaml", pack), ("assignments.yaml", assignments)], now: Date())
        #expect(policy.bundle.packs.count == 1)
        #expect(policy.bundle.packs[0].rules[0].risk == .critical)
        let assignment = try #require(policy.bundle.assignments.first)
        #expect(assignment.version == .exact(2))
        #expect(assignment.selector.roles == ["developer"])
        #expect(assignment.selector.hostRings == [.audit, .target])
        #expect(assignment.selector.repoTrust == [.production, .internal])
        #expect(assignment.overrides == [.riskyShell: .off])
        #expect(assignment.validUntil != nil)
        #expect(policy.bundle.ringMappings == [RingMapping(group: "ai-pilot", ring: .target, priority: 5)])
        #expect(policy.bundle.roleMappings == [RoleMapping(group: "platform-admins", role: "admin")])
    }

    @Test("a wrong enum value names file, line, field path and the choices")
    func unknownTrust() {
        let assignments = """
            assignments:
              - id: a
                pack: shell
                priority: 1
                selector:
                  repoTrust: [prod]
            """
        #expect(
            errors([("packs.yaml", pack), ("assignments.yaml", assignments)]) == [
                "assignments.yaml:6 assignments[0].selector.repoTrust[0]: unknown value 'prod'; expected one of sandbox, internal, production, unmanaged"
            ])
    }

    @Test("repositories.yaml: entries in file order, managed by default unless unmanaged; mistakes named by line")
    func repositories() throws {
        let text = """
            repositories:
              - { match: "payments/*", trust: production, owner: payments-eng }
              - { match: "vendor/**", trust: internal, managed: false }
              - { match: "**", trust: unmanaged }
            """
        let policy = try PolicyFiles.parse([("repositories.yaml", text)], now: Date())
        #expect(
            policy.bundle.repositories == [
                RepositoryRule(match: "payments/*", trust: .production, owner: "payments-eng"),
                RepositoryRule(match: "vendor/**", trust: .internal, managed: false),
                RepositoryRule(match: "**", trust: .unmanaged),
            ])
        let bad = """
            repositories:
              - { match: "a/*", trust: prod }
              - { trust: sandbox }
              - { match: "b/*", trust: unmanaged, managed: true }
              - { match: "c/*", trust: sandbox, owners: x }
            """
        let problems = errors([("repositories.yaml", bad)])
        #expect(problems.count == 4, "\(problems)")
        #expect(problems.first?.hasPrefix("repositories.yaml:2 repositories[0].trust: unknown value 'prod'") == true)
        #expect(problems.contains { $0.hasPrefix("repositories.yaml:3 repositories[1]") && $0.contains("match") })
        #expect(problems.contains { $0.hasPrefix("repositories.yaml:4") && $0.contains("contradict") })
        #expect(problems.contains { $0.hasPrefix("repositories.yaml:5") && $0.contains("owners") })
    }

    @Test("mcpServers: a name and one identity each; mistakes named by line")
    func mcpServers() throws {
        let text = """
            mcpServers:
              - { name: github, url: "https://api.githubcopilot.com/mcp/*" }
              - { name: filesystem, command: [npx, -y, "@modelcontextprotocol/server-filesystem"] }
            """
        let policy = try PolicyFiles.parse([("mcp.yaml", text)], now: Date())
        #expect(
            policy.bundle.mcpServers == [
                ApprovedMcpServer(name: "github", url: "https://api.githubcopilot.com/mcp/*"),
                ApprovedMcpServer(
                    name: "filesystem", command: ["npx", "-y", "@modelcontextprotocol/server-filesystem"]),
            ])
        let bad = """
            mcpServers:
              - { name: a }
              - { name: b, url: "https://b", command: [b] }
              - { url: "https://c" }
              - { name: d, url: "https://d" }
              - { name: D, command: [d] }
            """
        let problems = errors([("mcp.yaml", bad)])
        #expect(problems.count == 4, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("mcp.yaml:2") && $0.contains("exactly one identity") })
        #expect(problems.contains { $0.hasPrefix("mcp.yaml:3") && $0.contains("exactly one identity") })
        #expect(problems.contains { $0.hasPrefix("mcp.yaml:4") && $0.contains("name") })
        #expect(
            problems.contains { $0.contains("MCP server D is in mcpServers twice") }, "names compare case-insensitively"
        )
    }

    @Test("floors: the policy's, a pack's own, risk selectors; mistakes named by line")
    func floorsAndRisks() throws {
        let text = """
            floors:
              - { risk: critical, level: block, fromRing: 3 }
              - { risk: high, level: warn, fromRing: 4, exceptions: allowed }
            ---
            pack: shell
            version: 1
            rules:
              - { id: RS-1, surface: risky_shell, match: ["rm -rf /*"], level: block, risk: critical }
            floors:
              - { risk: medium, level: observe, fromRing: 2 }
            assignments:
              - { id: sandbox, priority: 5, selector: { risks: [low, medium] }, overrides: { risky_shell: warn } }
            """
        let policy = try PolicyFiles.parse([("floors.yaml", text)], now: Date())
        #expect(
            policy.bundle.floors == [
                RiskFloor(risk: .critical, level: .block, fromRing: .target, exceptions: .forbidden),
                RiskFloor(risk: .high, level: .warn, fromRing: .enforce, exceptions: .allowed),
            ])
        #expect(policy.bundle.packs.first?.floors == [RiskFloor(risk: .medium, level: .observe, fromRing: .audit)])
        #expect(policy.bundle.assignments.first?.selector.risks == [.low, .medium])
        let bad = """
            floors:
              - { risk: severe, level: block, fromRing: 3 }
              - { risk: high, level: "off", fromRing: 3 }
              - { risk: high, level: warn }
              - { risk: high, level: warn, fromRing: 3, exceptions: sometimes }
            assignments:
              - { id: a, priority: 1, selector: { risks: [huge] }, overrides: { risky_shell: warn } }
            """
        let problems = errors([("floors.yaml", bad)])
        #expect(problems.count == 5, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("floors.yaml:2") && $0.contains("'severe'") })
        #expect(problems.contains { $0.hasPrefix("floors.yaml:3") && $0.contains("observe, warn or block") })
        #expect(problems.contains { $0.hasPrefix("floors.yaml:4") && $0.contains("fromRing") })
        #expect(problems.contains { $0.hasPrefix("floors.yaml:5") && $0.contains("'sometimes'") })
        #expect(problems.contains { $0.hasPrefix("floors.yaml:7") && $0.contains("'huge'") })
    }

    @Test("a rollout plan: gates, the hold, steps with their own gates; every mistake at its line")
    func rolloutPlan() throws {
        let text = """
            rollout:
              gates: { windowDays: 7, connectedMembers: 0.9, hookedHosts: 0.95, blockCandidatesPerPersonDay: 2 }
              hold: { watchHours: 48, rise: 4, minimumBlocks: 20 }
              steps:
                - { group: web, ring: 3, after: 2027-01-11T09:00:00Z }
                - group: web
                  ring: 4
                  gates: { ruleNoiseShare: 0.1, openExceptions: 0 }
            """
        let plan = try #require(try PolicyFiles.parse([("rollout.yaml", text)], now: Date()).bundle.rollout)
        #expect(
            plan.gates
                == .init(windowDays: 7, connectedMembers: 0.9, hookedHosts: 0.95, blockCandidatesPerPersonDay: 2))
        #expect(plan.hold == .init(watchHours: 48, rise: 4, minimumBlocks: 20, level: .warn))
        #expect(
            plan.steps == [
                .init(group: "web", ring: .target, after: ISO8601DateFormatter().date(from: "2027-01-11T09:00:00Z")),
                .init(group: "web", ring: .enforce, gates: .init(ruleNoiseShare: 0.1, openExceptions: 0)),
            ])
        #expect(plan.gates(of: plan.steps[1]).hookedHosts == 0.95)
        let bad = """
            rollout:
              gates: { hookedHosts: 1.5, colour: blue }
              hold: { level: block }
              steps:
                - { group: web, ring: 1 }
                - { ring: 3 }
                - { group: web, ring: 3, after: tomorrow }
                - { group: api, ring: 3 }
                - { group: API, ring: 3 }
            ---
            rollout:
              steps: []
            """
        let problems = errors([("rollout.yaml", bad)])
        #expect(problems.count == 8, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("rollout.yaml:2") && $0.contains("out of range") })
        #expect(problems.contains { $0.hasPrefix("rollout.yaml:2") && $0.contains("colour") })
        #expect(problems.contains { $0.hasPrefix("rollout.yaml:3") && $0.contains("observe or warn") })
        #expect(problems.contains { $0.hasPrefix("rollout.yaml:5") && $0.contains("ring 2, 3 or 4") })
        #expect(problems.contains { $0.hasPrefix("rollout.yaml:6") && $0.contains("'group'") })
        #expect(problems.contains { $0.hasPrefix("rollout.yaml:7") && $0.contains("timestamp") })
        #expect(problems.contains { $0.hasPrefix("rollout.yaml:2") && $0.contains("has the step API → ring 3 twice") })
        #expect(
            problems.contains { $0.hasPrefix("rollout.yaml:12") && $0.contains("already defined at rollout.yaml:2") })
    }

    @Test("typos in keys are errors with a suggestion")
    func unknownKey() {
        let assignments = """
            assignments:
              - id: a
                pack: shell
                priorty: 1
            """
        let found = errors([("packs.yaml", pack), ("a.yaml", assignments)])
        #expect(
            found.contains {
                $0.hasPrefix("a.yaml:4 assignments[0].priorty: unknown key 'priorty'; did you mean 'priority'?")
            })
        #expect(found.contains { $0.hasPrefix("a.yaml:2 assignments[0]: missing required key 'priority'") })
    }

    @Test("references across files are checked at the place they are written")
    func badReferences() {
        let assignments = """
            assignments:
              - id: a
                pack: shel
                priority: 1
              - id: b
                pack: shell
                version: 7
                priority: 1
              - id: a
                priority: 2
            """
        let found = errors([("packs.yaml", pack), ("assignments.yaml", assignments)])
        #expect(found.contains("assignments.yaml:3 assignments[0].pack: assignment a names unknown pack 'shel'"))
        #expect(
            found.contains(
                "assignments.yaml:6 assignments[1].pack: assignment b names pack shell version 7, which does not exist")
        )
        #expect(
            found.contains(
                "assignments.yaml:9 assignments[2].id: assignment id a is already used at assignments.yaml:2"))
        #expect(found.count == 3)
    }

    @Test(
        "bad values in rules are all reported at once",
        arguments: [
            ("level: maybe", "unknown value 'maybe'; expected one of off, observe, warn, block"),
            ("level: off", "a rule's level is observe, warn or block"),
            ("surface: Risky-Shell", "invalid surface 'Risky-Shell'"),
            ("risk: huge", "unknown value 'huge'; expected one of low, medium, high, critical"),
        ])
    func badRuleValues(line: String, message: String) {
        let key = line.split(separator: ":")[0]
        let broken = pack.replacingOccurrences(
            of: pack.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("\(key):") }!,
            with: "    " + line)
        let found = errors([("packs.yaml", broken)])
        #expect(found.count == 1)
        #expect(found.first?.contains(message) == true, "\(found)")
        #expect(found.first?.hasPrefix("packs.yaml:") == true)
    }

    @Test("invalid YAML names the line")
    func invalidYAML() {
        let found = errors([("bad.yaml", "assignments:\n  - id: a\n   priority: [1\n")])
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("bad.yaml:") == true)
        #expect(found.first?.contains("not valid YAML") == true)
    }

    @Test("rings outside 1...4 and bad dates are refused")
    func badRingAndDate() {
        let text = """
            rings:
              - { group: g, ring: 5 }
            assignments:
              - { id: a, pack: shell, priority: 1, validFrom: yesterday }
            """
        let found = errors([("packs.yaml", pack), ("x.yaml", text)])
        #expect(
            found.contains {
                $0.hasPrefix("x.yaml:2 rings[0].ring:") && $0.contains("out of range") || $0.contains("unknown ring")
            })
        #expect(found.contains { $0.hasPrefix("x.yaml:4 assignments[0].validFrom: expected a timestamp") })
    }
}
