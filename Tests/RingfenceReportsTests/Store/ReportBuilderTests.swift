import Foundation
import PostgresNIO
import RingfenceCore
import RingfenceFiles
import RingfenceStore
import RingfenceTestSupport
import Testing

@testable import RingfenceReports

@Suite(
    "Weekly report against PostgreSQL",
    .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct ReportBuilderTests {
    /// One generated event, as the test knows it.
    struct Generated {
        var user: String
        var surface: String
        var verdict: Verdict
        var pack: String
        var rule: String
        var summary: String
    }

    static let shapes: [(surface: Surface, verdict: Verdict, pack: String, rule: String)] = [
        (.riskyShell, .pass, "", ""),
        (.riskyShell, .warnCandidate, "shell-baseline", "RS-2"),
        (.riskyShell, .blockCandidate, "shell-baseline", "RS-1"),
        (.sensitivePathRead, .blockCandidate, "secrets-baseline", "SP-1"),
        (.sensitivePathRead, .pass, "", ""),
        (.riskyShell, .blockCandidate, "shell-baseline", "RS-1"),
        (.mcpTool, .warnCandidate, "mcp-governance", "MCP-1"),
    ]

    @Test("every number of a generated week matches an independent count, and the Markdown, HTML and CSV show them")
    func generatedWeek() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            try await Self.checkGeneratedWeek(client)
        }
    }

    /// (A function of its own: Swift 6.3.1's SendNonSendable pass crashes on this body inline in the closure.)
    static func checkGeneratedWeek(_ client: PostgresClient) async throws {
        do {
            try await Self.seedDirectory(client)
            let files = try PolicyFiles.load(directory: TestServers.repositoryRoot.appending(path: "examples/policy"))
            _ = try await PolicyStore(client: client).publish(files.bundle, actor: "test", expectedCurrent: nil)
            // After the publish: the report reads the revision in force at `now`.
            let now = Date()
            let week = ISOWeek(containing: now)
            let host = try await Self.seedHosts(client, now: now)

            // 700 events of this week by alice, bob (members) and dave (not a member), 40 of last week.
            var generated: [Generated] = []
            var rows: [AuditEventRecord] = []
            let span = max(60, now.timeIntervalSince(week.start) - 60)
            for index in 0..<700 {
                let user = ["alice", "bob", "dave", "bob"][index % 4]
                let shape = Self.shapes[(index / 4) % Self.shapes.count]
                let summary = "action \(index)"
                let at = week.start.addingTimeInterval(span * Double(index) / 700)
                rows.append(
                    AuditEventRecord(
                        hostID: host, eventID: "w-\(index)", occurredAt: at, user: user, agentKind: "claude-code",
                        surface: shape.surface, pack: shape.pack, packVersion: shape.pack.isEmpty ? 0 : 1,
                        ruleID: shape.rule, repo: "payments/api", verdict: shape.verdict, appliedLevel: .observe,
                        uncappedLevel: shape.verdict == .pass ? .off : .block, summary: summary))
                generated.append(
                    Generated(
                        user: user, surface: shape.surface.rawValue, verdict: shape.verdict, pack: shape.pack,
                        rule: shape.rule, summary: summary))
            }
            for index in 0..<40 {
                rows.append(
                    AuditEventRecord(
                        hostID: host, eventID: "p-\(index)",
                        occurredAt: week.previous.start.addingTimeInterval(86_400 + Double(index)),
                        user: "alice", agentKind: "claude-code", surface: .riskyShell, verdict: .pass,
                        appliedLevel: .observe, uncappedLevel: .off))
            }
            _ = try await EventStore(client: client).store(rows)

            let report = try await ReportBuilder(client: client).build(group: "engineering", week: week, now: now)
            let decoded = try JSONDecoder.iso8601.decode(GroupWeekReport.self, from: try ReportData.json(report))
            #expect(decoded == report, "the JSON carries every figure")

            // Coverage, counted by hand from the seed.
            #expect(report.coverage.members == 3)
            #expect(
                report.coverage.hostsConnected == 1 && report.coverage.hostsStale == 1
                    && report.coverage.hostsSilent == 1)
            #expect(report.coverage.missingMembers == 1)
            // The names behind them: carol has no host; bob's never-seen host first, then the stale one.
            let names = try #require(report.names)
            #expect(names.missingMembers == ["carol"])
            #expect(names.staleHosts.map(\.hostname) == ["c.example.com", "b.example.com"])
            #expect(names.staleHosts.first?.lastHeartbeat == nil && names.staleHosts.first?.users == ["bob", "dave"])
            #expect(names.driftedHosts.map(\.files) == [["claude-code/managed-settings.json"]])
            #expect(names.activeMembers == 2, "alice and bob sent events; carol did not")
            #expect(report.revisionNotes == [.init(revision: 1, by: "test", comment: nil)])
            #expect(report.noisyRules.first { $0.ruleID == "RS-1" }?.description?.isEmpty == false)
            #expect(report.coverage.hostsDrifted == 1)
            #expect(report.coverage.driftedFiles == ["claude-code/managed-settings.json": 1])
            #expect(
                try ReportMarkdown.render(report).contains("Drifted: `claude-code/managed-settings.json` on 1 host(s)"))
            #expect(ReportData.csv(report).contains("coverage,hosts_drifted,,1"))
            #expect(report.coverage.installerVersions == ["1.4.0": 1, "1.3.2": 1, "unknown": 1])
            #expect(report.coverage.agents == ["claude-code 2.0.1": 2])
            #expect(report.coverage.hookStates == ["installed": 1, "missing": 1])
            #expect(report.coverage.mcpServers == ["github": 1, "scratch": 1])
            #expect(report.coverage.mcpApproval == ["approved": 1, "unapproved": 1])
            #expect(report.previousCoverage == nil, "no report was recorded for last week")

            // Volume, counted from what was generated.
            let members = generated.filter { $0.user != "dave" }
            var expected: [String: [String: Int]] = [:]
            for event in members { expected[event.surface, default: [:]][event.verdict.rawValue, default: 0] += 1 }
            #expect(report.volume.bySurface == expected)
            #expect(report.volume.total == members.count)
            #expect(report.previousVolume?.total == 40)

            // Noisy rules, counted from what was generated.
            let candidates = members.filter { $0.verdict == .warnCandidate || $0.verdict == .blockCandidate }
            // Most candidates first; ties by pack, then rule (as the report orders them).
            let byRule = Dictionary(grouping: candidates) { "\($0.pack)\u{0}\($0.rule)" }
            let expectedRules = byRule.map {
                ($0.value[0].rule, $0.value.count, Set($0.value.map(\.user)).count, $0.key)
            }
            .sorted { ($1.1, $0.3) < ($0.1, $1.3) }
            #expect(report.noisyRules.map { ($0.ruleID) } == expectedRules.map(\.0))
            #expect(report.noisyRules.map(\.candidates) == expectedRules.map(\.1))
            #expect(report.noisyRules.map(\.usersHit) == expectedRules.map(\.2))
            for rule in report.noisyRules {
                // The example is the smallest summary of the rule's candidates (a deterministic pick).
                #expect(rule.example == candidates.filter { $0.rule == rule.ruleID }.map(\.summary).min())
            }
            // Once last week's report is recorded, this week's shows its coverage headline.
            var lastWeek = report
            lastWeek.week = week.previous.description
            lastWeek.coverage.members = 2
            lastWeek.coverage.hostsConnected = 0
            lastWeek.coverage.missingMembers = 2
            try await ReportRecords(client: client).record(lastWeek, formats: ["md"], location: "/tmp")
            let again = try await ReportBuilder(client: client).build(group: "engineering", week: week, now: now)
            #expect(
                again.previousCoverage
                    == GroupWeekReport.CoverageHeadline(members: 2, hostsConnected: 0, missingMembers: 2))
            #expect(
                try ReportMarkdown.render(again).contains(
                    "The week before: 2 members, 0 hosts connected, 2 members with no host."))
            // Several groups at once (one pass over everyone's events) give the same report.
            let together = try await ReportBuilder(client: client).build(
                groups: ["nobody", "engineering"], week: week, now: now)
            #expect(together.map(\.0) == ["nobody", "engineering"])
            #expect(try together[1].1.get() == again)
            if case .success = together[0].1 { Issue.record("an unknown group has no report") }
            #expect(report.revisions == [1])
            #expect(report.ring == 2)
            let next = try #require(report.nextRing)
            #expect(next.toRing == 3)
            #expect(next.newlyBlocked + next.newlyWarned <= candidates.count)
            // Cross-check with the impact preview of `apply` (separate code): the members' grouped
            // matches with the host ring set to 3, under the same policy.
            let snapshot = try await PolicyStore(client: client).snapshot(revision: 1)
            var grouped = try await PopulationStore(client: client).events(
                from: week.start, until: week.end, users: ["alice", "bob", "carol"], at: Date())
            for index in grouped.indices { grouped[index].context.hostRing = .target }
            let preview = ImpactPreview(population: [], events: grouped, current: nil, next: snapshot)
            #expect(next.newlyBlocked == preview.newlyBlocked)
            #expect(next.newlyWarned == preview.newlyWarned)
            #expect(next.newlyBlocked > 0, "the example policy blocks in ring 3 what ring 2 only observes")
            // People, repositories and surfaces, from the preview of each event group alone.
            var people = Set<String>()
            var repos = Set<String>()
            var bySurface: [String: [String: Int]] = [:]
            var perPerson: [String: (blocked: Int, warned: Int)] = [:]
            for event in grouped {
                let alone = ImpactPreview(population: [], events: [event], current: nil, next: snapshot)
                guard alone.newlyBlocked + alone.newlyWarned > 0 else { continue }
                people.insert(event.context.user)
                perPerson[event.context.user.lowercased(), default: (0, 0)].blocked += alone.newlyBlocked
                perPerson[event.context.user.lowercased(), default: (0, 0)].warned += alone.newlyWarned
                if let repo = event.context.repo { repos.insert(repo) }
                if alone.newlyBlocked > 0 {
                    bySurface[event.surface.rawValue, default: [:]]["block", default: 0] += alone.newlyBlocked
                }
                if alone.newlyWarned > 0 {
                    bySurface[event.surface.rawValue, default: [:]]["warn", default: 0] += alone.newlyWarned
                }
            }
            #expect(next.people == people.count)
            // Each person by name with their own counts, most first.
            let affected = try #require(next.affected)
            #expect(affected.count == people.count)
            for person in affected {
                #expect(perPerson[person.user]?.blocked == person.newlyBlocked, "\(person)")
                #expect(perPerson[person.user]?.warned == person.newlyWarned, "\(person)")
            }
            #expect(
                affected.map { $0.newlyBlocked + $0.newlyWarned }
                    == affected.map { $0.newlyBlocked + $0.newlyWarned }.sorted(by: >))
            // Everyone in engineering is in ring 2 by its mapping.
            #expect(report.names?.memberRings == ["2": 3])
            #expect(next.repos == repos.count)
            #expect(next.bySurface == bySurface)

            // The Markdown and the CSV show the same numbers.
            let markdown = try ReportMarkdown.render(report)
            #expect(markdown.contains("| 3 | 67 % | 1 | 1 | 1 | 1 |"), "\(markdown)")
            for (surface, counts) in expected {
                let cells = GroupWeekReport.verdicts.map { " \(counts[$0] ?? 0) |" }.joined()
                #expect(markdown.contains("| \(surface) |\(cells) \(counts.values.reduce(0, +)) |"), "\(surface)")
            }
            #expect(markdown.contains(next.readiness(group: "engineering")))
            let html = try ReportHTML.render(report)
            #expect(html.contains(#"<tr><th>members</th><td class="n">3</td></tr>"#))
            #expect(html.contains(#"<tr><th>members with no host</th><td class="n">1</td></tr>"#))
            for (surface, counts) in expected {
                let cells = GroupWeekReport.verdicts.map { #"<td class="n">\#(counts[$0] ?? 0)</td>"# }.joined()
                #expect(
                    html.contains(
                        "<tr><td>\(surface)</td>\(cells)<td class=\"n\">\(counts.values.reduce(0, +))</td></tr>"),
                    "\(surface)")
            }
            #expect(
                html.contains("<svg") && !html.contains("{{") && !html.contains("http-equiv")
                    && !html.contains("<script"))
            let csv = ReportData.csv(report)
            #expect(csv.contains("coverage,missing_members,,1\n"))
            for rule in report.noisyRules {
                #expect(csv.contains("noisy_rule,\(rule.pack)/\(rule.ruleID),candidates,\(rule.candidates)\n"))
            }
        }
    }

    @Test("a group's owners are its owner DNs that are enabled directory users with an address")
    func owners() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            try await Self.seedDirectory(client)
            try await client.query(
                """
                UPDATE directory_users SET email = username || '@example.com' WHERE username IN ('alice', 'bob', 'dave');
                """)
            try await client.query("UPDATE directory_users SET disabled = true WHERE username = 'dave'")
            try await client.query(
                """
                UPDATE directory_groups SET owners = ARRAY['UID=Alice,dc=example,dc=com', 'uid=carol,dc=example,dc=com',
                                                           'uid=dave,dc=example,dc=com', 'uid=nobody,dc=example,dc=com']
                WHERE name = 'engineering'
                """)
            // carol has no address, dave is disabled, nobody is not a user.
            #expect(try await ReportQueries(client: client).ownerAddresses(of: "engineering") == ["alice@example.com"])
            #expect(try await ReportQueries(client: client).ownerAddresses(of: "nobody").isEmpty)
        }
    }

    @Test("an unknown group is a clear error")
    func unknownGroup() async throws {
        _ = try await TestServers.withMigratedDatabase { client, _ in
            await #expect(throws: ReportBuilder.BuildError.self) {
                _ = try await ReportBuilder(client: client).build(group: "nobody", week: ISOWeek(containing: Date()))
            }
        }
    }

    /// alice, bob, carol ∈ engineering; dave is not.
    static func seedDirectory(_ client: PostgresClient) async throws {
        try await client.query(
            """
            INSERT INTO directory_users (id, dn, username) VALUES
              (1, 'uid=alice,dc=example,dc=com', 'alice'), (2, 'uid=bob,dc=example,dc=com', 'bob'),
              (3, 'uid=carol,dc=example,dc=com', 'carol'), (4, 'uid=dave,dc=example,dc=com', 'dave')
            """)
        try await client.query(
            "INSERT INTO directory_groups (id, dn, name) VALUES (1, 'cn=engineering,dc=example,dc=com', 'engineering')")
        try await client.query(
            "INSERT INTO effective_memberships (user_id, group_id, depth) VALUES (1, 1, 0), (2, 1, 0), (3, 1, 0)")
    }

    /// alice's host is connected, one of bob's is stale, the other never sent a heartbeat;
    /// carol has no host. Returns alice's host.
    static func seedHosts(_ client: PostgresClient, now: Date) async throws -> UUID {
        let (a, b, c) = (UUID(), UUID(), UUID())
        let stale = now.addingTimeInterval(-3 * 86_400)
        try await client.query(
            """
            INSERT INTO hosts (id, machine_id, hostname, installer_version, users, last_heartbeat_at, drifted_files) VALUES
              (\(a), 'm-a', 'a.example.com', '1.4.0', '{alice}', \(now), '{}'),
              (\(b), 'm-b', 'b.example.com', '1.3.2', '{Bob}', \(stale), '{claude-code/managed-settings.json}'),
              (\(c), 'm-c', 'c.example.com', NULL, '{bob,dave}', NULL, '{}')
            """)
        try await client.query(
            """
            INSERT INTO host_agents (host_id, kind, version, hook_state) VALUES
              (\(a), 'claude-code', '2.0.1', 'installed'), (\(b), 'claude-code', '2.0.1', 'missing')
            """)
        try await client.query(
            """
            INSERT INTO host_mcp_servers (host_id, agent_kind, name, transport, endpoint, scope)
            VALUES (\(a), 'claude-code', 'github', 'http', 'https://api.githubcopilot.com/mcp/', 'managed'),
                   (\(b), 'claude-code', 'scratch', 'stdio', 'npx scratch-mcp', 'user')
            """)
        return a
    }
}

extension JSONDecoder {
    static var iso8601: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
