import Foundation
import PostgresNIO
import RingfenceCore
import RingfenceStore
import RingfenceTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A simulated rollout, every part real: `ringfence serve` running the plan every second,
/// `agent-sim` hosts with chosen hook coverage and verdict rates, and the `rollout`,
/// `history` and `report` commands.
@Suite("rollout", .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct RolloutCommandTests {
    /// web: w1…w4, owned by wendy, in ring 3; mobile: m1…m4, in ring 2.
    static func seedDirectory(_ client: PostgresClient) async throws {
        let users = ["w1", "w2", "w3", "w4", "m1", "m2", "m3", "m4", "wendy"]
        for (index, user) in users.enumerated() {
            try await client.query(
                """
                INSERT INTO directory_users (id, dn, username, email)
                VALUES (\(index + 1), \("uid=\(user),ou=people,dc=example,dc=com"), \(user), \("\(user)@example.com"))
                """)
        }
        try await client.query(
            """
            INSERT INTO directory_groups (id, dn, name, owners) VALUES
            (1, 'cn=web,ou=groups,dc=example,dc=com', 'web', ARRAY['uid=wendy,ou=people,dc=example,dc=com']),
            (2, 'cn=mobile,ou=groups,dc=example,dc=com', 'mobile', '{}')
            """)
        for user in 1...8 {
            try await client.query(
                "INSERT INTO effective_memberships (user_id, group_id, depth) VALUES (\(user), \(user <= 4 ? 1 : 2), 0)"
            )
        }
    }

    static let mappings = """
        rings:
          - { group: web, ring: 3 }
          - { group: mobile, ring: 2 }
        """

    static let plan = """
        rollout:
          gates:
            windowDays: 1
            connectedMembers: 1
            hookedHosts: 0.9
            blockCandidatesPerPersonDay: 5
            openExceptions: 0
          hold: { watchHours: 24, rise: 3, minimumBlocks: 20 }
          steps:
            - { group: web, ring: 4, after: 2026-01-01T00:00:00Z }
            - { group: mobile, ring: 3 }
        """

    /// The example policy's packs and assignments with the mappings and the plan above.
    static func policyFolder(in folder: URL) throws -> URL {
        let policy = folder.appendingPathComponent("policy")
        try FileManager.default.createDirectory(at: policy, withIntermediateDirectories: true)
        let examples = TestServers.repositoryRoot.appending(path: "examples/policy")
        for name in ["packs.yaml", "assignments.yaml", "floors.yaml", "repositories.yaml", "mcp-servers.yaml"] {
            try FileManager.default.copyItem(
                at: examples.appendingPathComponent(name), to: policy.appendingPathComponent(name))
        }
        try mappings.write(to: policy.appendingPathComponent("mappings.yaml"), atomically: true, encoding: .utf8)
        try plan.write(to: policy.appendingPathComponent("rollout.yaml"), atomically: true, encoding: .utf8)
        return policy
    }

    static func events(_ client: PostgresClient) async throws -> [String] {
        var result: [String] = []
        for try await (kind, group, failing) in try await client.query(
            "SELECT kind, group_name, failing FROM rollout_events ORDER BY id"
        ).decode((String, String, [String]).self) {
            result.append("\(kind) \(group)" + (failing.isEmpty ? "" : " " + failing.joined(separator: ",")))
        }
        return result
    }

    static func level(of rule: String, for user: String, in group: String, client: PostgresClient) async throws
        -> Level?
    {
        let store = PolicyStore(client: client)
        let revision = try #require(try await store.currentRevision())
        let resolution = try await store.snapshot(revision: revision.number).resolve(
            DecisionContext(user: user, groups: [group], at: Date()))
        return resolution.surface(.sensitivePathRead)?.rules.first { $0.rule.id == rule }?.level
    }

    @Test(
        "promoted on schedule when the gates hold, held with the gate named when hook coverage is short, a rule held after a spike of blocks until released"
    )
    func simulatedRollout() async throws {
        try await TestServers.withMigratedDatabase { client, database in
            try await GitTool.withAsyncFolder { folder in
                let (port, metricsPort) = (try freeLoopbackPort(), try freeLoopbackPort())
                let ringfence = try RingfenceExecutable(environment: [
                    "RINGFENCE_DATABASE_URL": RingfenceExecutable.databaseURL(database),
                    "RINGFENCE_LISTEN": "127.0.0.1:\(port)", "RINGFENCE_METRICS_LISTEN": "127.0.0.1:\(metricsPort)",
                    "RINGFENCE_ROLLOUT_INTERVAL": "1", "USER": "tess",
                ])
                try await Self.seedDirectory(client)
                try ringfence.run(["apply", "-f", try Self.policyFolder(in: folder).path, "--yes"])
                let tokens = folder.appendingPathComponent("tokens")
                try ringfence.run(["keys", "enrol-token", "--count", "16", "--expires", "1h", "--any-user"])
                    .write(to: tokens, atomically: true, encoding: .utf8)
                let log = folder.appendingPathComponent("serve.log")
                try await ringfence.withServe(port: port, log: log) { server in

                    // Before any host reported, both steps are due and held: nobody is connected.
                    try await HangGuard.until("both steps to be held for lack of connected members") {
                        try await Self.events(client).count == 2
                    }
                    #expect(
                        try await Self.events(client).sorted() == [
                            "held mobile connectedMembers,hookedHosts", "held web connectedMembers,hookedHosts",
                        ])

                    // In ring 3, SP-1 (untargeted) only observes for web.
                    #expect(try await Self.level(of: "SP-1", for: "w1", in: "web", client: client) == .observe)

                    // web: every host hooked, 2 block candidates of SP-1 per person-day, two hours ago.
                    // mobile: the hook is missing on every second host.
                    let sim = [
                        "agent-sim", "run", "--server", "127.0.0.1:\(port)", "--hosts", "4", "--events-per-host", "20",
                        "--rule", "secrets-baseline/SP-1", "--surface", "sensitive_path_read", "--spread", "60",
                    ]
                    let twoHoursAgo = Date().addingTimeInterval(-7_200).formatted(.iso8601)
                    try ringfence.run(
                        sim + [
                            "--tokens", tokens.path, "--users", "w1,w2,w3,w4", "--prefix", "web",
                            "--hook-missing-every",
                            "0", "--verdicts", "pass=18,block-candidate=2", "--at", twoHoursAgo,
                        ])
                    try ringfence.run(
                        sim + [
                            "--tokens", try Self.remainingTokens(tokens, skip: 4, folder: folder), "--users",
                            "m1,m2,m3,m4",
                            "--prefix", "mobile",
                            "--hook-missing-every", "2", "--verdicts", "pass=1", "--at", twoHoursAgo,
                        ])

                    try await HangGuard.until("web to be promoted and mobile held by its hook coverage alone") {
                        let events = try await Self.events(client)
                        return events.contains("promoted web") && events.contains("held mobile hookedHosts")
                    }
                    let status = try ringfence.run(["rollout", "status"])
                    #expect(status.contains("web → ring 4  (now ring 4): done"), "\(status)")
                    #expect(status.contains("mobile → ring 3  (now ring 2): held by hookedHosts"), "\(status)")
                    #expect(
                        status.contains(
                            "FAIL  hookedHosts: 2 of 4 connected hosts have every hook installed and no drift (50 %); at least 90 %"
                        ), "\(status)")
                    #expect(
                        status.contains("pass  connectedMembers: 4 of 4 members have a connected host (100 %)"),
                        "\(status)")
                    #expect(status.contains("promoted: web to ring 4"), "\(status)")
                    var revisions: [(String, String)] = []
                    for try await row in try await client.query(
                        "SELECT created_by, coalesce(comment, '') FROM policy_revisions ORDER BY revision"
                    ).decode((String, String).self) {
                        revisions.append(row)
                    }
                    #expect(
                        revisions.last?.0 == "ringfence"
                            && revisions.last?.1 == "rollout: web → ring 4, every gate held")
                    #expect(try await Self.level(of: "SP-1", for: "w1", in: "web", client: client) == .block)

                    // After the move, SP-1 blocks 20 times per person-day against 2 candidates before.
                    try ringfence.run(
                        sim + [
                            "--tokens", try Self.remainingTokens(tokens, skip: 8, folder: folder), "--users",
                            "w1,w2,w3,w4",
                            "--prefix", "spike", "--hook-missing-every", "0", "--verdicts", "block=1", "--spread", "1",
                        ])
                    let holdID = "hold-web-secrets-baseline-sp-1"
                    try await HangGuard.until("SP-1 to be held for web") {
                        try await Self.events(client).contains("rule-held web")
                    }
                    #expect(try await Self.level(of: "SP-1", for: "w1", in: "web", client: client) == .warn)
                    // History: each revision with its actor, comment and change, the rollout's events with them.
                    let history = try ringfence.run(["history"])
                    #expect(
                        history.contains(
                            """
                              + hold \(holdID): secrets-baseline/SP-1 at most warn for the members of web (by ringfence)
                              rollout: held secrets-baseline/SP-1 for web after its promotion (\(holdID))
                            """), "\(history)")
                    #expect(
                        history.contains(
                            """
                            ringfence  "rollout: web → ring 4, every gate held"
                              + promotion web → ring 4
                              rollout: promoted web to ring 4
                            """), "\(history)")
                    #expect(
                        history.contains("rollout: held mobile at the step to ring 3: hookedHosts failed"), "\(history)"
                    )
                    let rolloutHistory = try ringfence.run(["rollout", "history", "--group", "web"])
                    // The hold may come while the spike is still arriving, from only some of the four
                    // members: at least the 20 minimum blocks, over 1 to 4 person-days, more than
                    // 3 × 2.00 a person-day.
                    let reason = try #require(
                        rolloutHistory.split(separator: "\n").first {
                            $0.contains("active person-days since the promotion")
                        },
                        "\(rolloutHistory)")
                    let numbers = reason.split(whereSeparator: { !$0.isNumber && $0 != "." }).compactMap { Double($0) }
                    #expect(numbers.count >= 7, "\(reason)")
                    if numbers.count >= 7 {
                        let (blocks, days) = (numbers[0], numbers[1])
                        #expect(blocks >= 20 && blocks <= 80 && (1...4).contains(days), "\(reason)")
                        #expect(blocks / days > 6, "\(reason)")
                    }
                    #expect(
                        reason.hasSuffix(
                            "a person-day) against 8 block candidates over 4 before it (2.00); more than 3.00×"),
                        "\(reason)")

                    try await HangGuard.until("the metrics to count the hold") {
                        try await Self.get("http://127.0.0.1:\(metricsPort)/metrics").contains(
                            "ringfence_rollout_holds 1")
                    }
                    let metrics = try await Self.get("http://127.0.0.1:\(metricsPort)/metrics")
                    #expect(metrics.contains(#"ringfence_rollout_events_total{kind="rule-held"} 1"#), "\(metrics)")
                    #expect(metrics.contains(#"ringfence_rollout_events_total{kind="promoted"} 1"#), "\(metrics)")

                    // The week's report shows the promotion and the hold.
                    let out = folder.appendingPathComponent("reports")
                    let week = ISOWeek(containing: Date()).description
                    try ringfence.run([
                        "report", "--group", "web", "--week", week, "--out", out.path, "--format", "md",
                    ])
                    let report = try String(
                        contentsOf: out.appendingPathComponent("\(week)/web.md"), encoding: .utf8)
                    #expect(report.contains("## Rollout"), "\(report)")
                    #expect(report.contains(": promoted web to ring 4"), "\(report)")
                    #expect(report.contains("- Held: secrets-baseline/SP-1 stays at warn (\(holdID)"), "\(report)")

                    // Released by a person: the rule blocks again and the service does not hold it again.
                    let released = try ringfence.run(["rollout", "release", holdID, "--comment", "SP-1 tuned"])
                    #expect(released.hasPrefix("released \(holdID): revision "), "\(released)")
                    #expect(try await Self.level(of: "SP-1", for: "w1", in: "web", client: client) == .block)
                    #expect(try ringfence.run(["rollout", "run"]).contains("nothing to do"))
                    #expect(try await Self.events(client).last == "released web")
                    let afterRelease = try ringfence.run(["history", "--limit", "1"])
                    #expect(
                        afterRelease.contains(
                            """
                            tess  "SP-1 tuned"
                              - hold \(holdID): secrets-baseline/SP-1 at most warn for the members of web (by ringfence)
                              rollout: released secrets-baseline/SP-1 for web (\(holdID))
                            """), "\(afterRelease)")
                    let again = try ringfence.run(["rollout", "release", holdID], input: Data())
                    #expect(again.status == 1 && again.stderr.contains("no hold \(holdID) is in force"), "\(again)")

                    // With the service stopped (a due step would be promoted again), web's promotion is undone.
                    kill(server.processIdentifier, SIGKILL)
                    server.waitUntilExit()
                    let unknown = try ringfence.run(["rollout", "demote", "mobile"], input: Data())
                    #expect(
                        unknown.status == 1 && unknown.stderr.contains("mobile has no promotion in force"), "\(unknown)"
                    )
                    #expect(
                        try ringfence.run(["rollout", "demote", "web", "--comment", "too early"]).hasPrefix(
                            "demoted web"))
                    #expect(try await Self.level(of: "SP-1", for: "w1", in: "web", client: client) == .observe)
                    let afterDemotion = try ringfence.run(["history", "--limit", "1"])
                    #expect(
                        afterDemotion.contains(
                            """
                            tess  "too early"
                              - promotion web → ring 4
                              rollout: undid the promotion of web to ring 4
                            """), "\(afterDemotion)")
                }
            }
        }
    }

    /// A file with the tokens after the first `skip`.
    static func remainingTokens(_ tokens: URL, skip: Int, folder: URL) throws -> String {
        let rest = folder.appendingPathComponent("tokens-\(skip)")
        try String(decoding: try Data(contentsOf: tokens), as: UTF8.self).split(separator: "\n").dropFirst(skip)
            .joined(separator: "\n").write(to: rest, atomically: true, encoding: .utf8)
        return rest.path
    }

    static func get(_ address: String) async throws -> String {
        try await TestHTTP.get(address).body
    }
}
