import Foundation
import PostgresNIO
import RingfenceCore
import RingfenceStore
import RingfenceTestSupport
import Testing

/// The `ringfence` executable as a person meets it: help, errors and exit statuses
/// (docs/operations.md, "Exit statuses"), and the policy commands telling the truth about
/// what a publish or a rollback changes.
@Suite("Command line")
struct CommandLineTests {
    @Test("--help shows a time span default as it is written, not as a Swift value")
    func helpDefaults() throws {
        let ringfence = try RingfenceExecutable(environment: [:])
        let help = try ringfence.run(["fleet", "--help"], input: Data())
        #expect(help.status == 0)
        #expect(help.stdout.contains("(default: 1d)"), "\(help.stdout)")
        #expect(!help.stdout.contains("TimeSpan("))
    }

    @Test(
        "a mistake on the command line exits 64 with the usage; a failure while running exits 1 without it",
        .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
    func usageOnlyForUsageErrors() throws {
        let ringfence = try RingfenceExecutable(environment: [:])
        let typo = try ringfence.run(["fleet", "--stale-afterr", "1h"], input: Data())
        #expect(typo.status == 64)
        #expect(typo.stderr.contains("Usage:"), "\(typo.stderr)")
        // A database that does not exist: a runtime failure, not a usage error.
        let server = try TestServers.postgres()
        let missing = "postgres://\(server.username)@\(server.host):\(server.port)/rf_no_such_database"
        let unreachable = try ringfence.run(["revisions", "--database-url", missing], input: Data())
        #expect(unreachable.status == 1, "\(unreachable.stderr)")
        #expect(unreachable.stderr.hasPrefix("error: "), "\(unreachable.stderr)")
        #expect(!unreachable.stderr.contains("Usage:"), "\(unreachable.stderr)")
    }

    @Test("a configuration file with problems exits 78 and lists each problem with its line")
    func configurationErrors() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("rf-config-\(UUID().uuidString).yaml")
        try "server:\n  listen: nowhere\n  heartbeatSecs: 30\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let ringfence = try RingfenceExecutable(environment: [
            "RINGFENCE_DATABASE_URL": "postgres://rf@127.0.0.1:1/ringfence"
        ])
        let result = try ringfence.run(["serve", "--config", file.path], input: Data())
        #expect(result.status == 78, "\(result.stderr)")
        #expect(
            result.stderr.contains("\(file.path):2 server.listen: expected host:port, got 'nowhere'"),
            "\(result.stderr)")
        #expect(
            result.stderr.contains(
                "\(file.path):3 server.heartbeatSecs: unknown key 'heartbeatSecs'; did you mean 'heartbeatSeconds'?"))
        #expect(!result.stderr.contains("Usage:"))
    }

    @Test(
        "serve with a TLS certificate file that is not there names the file and the reason",
        .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
    func missingCertificate() async throws {
        try await TestServers.withMigratedDatabase { _, database in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("rf-tls-\(UUID().uuidString).yaml")
            try """
            server:
              listen: 127.0.0.1:0
              metrics: "off"
              tls: { certificateFile: /nonexistent/server.crt, keyFile: /nonexistent/server.key }
            """.write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            let ringfence = try RingfenceExecutable(environment: [
                "RINGFENCE_DATABASE_URL": RingfenceExecutable.databaseURL(database)
            ])
            let result = try ringfence.run(["serve", "--config", file.path], input: Data())
            #expect(result.status == 1)
            #expect(
                result.stderr.contains("error: the TLS certificate file /nonexistent/server.crt does not exist"),
                "\(result.stderr)")
            #expect(!result.stderr.contains("There is no listening address bound"))
        }
    }

    @Test(
        "rollback to a revision that differs only in the pack version in force shows the difference",
        .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
    func rollbackShowsTheDifference() async throws {
        try await TestServers.withMigratedDatabase { _, database in
            let ringfence = try RingfenceExecutable(environment: [
                "RINGFENCE_DATABASE_URL": RingfenceExecutable.databaseURL(database)
            ])
            let examples = TestServers.repositoryRoot.appendingPathComponent("examples/policy")
            let second = FileManager.default.temporaryDirectory.appendingPathComponent("rf-policy-\(UUID().uuidString)")
            try FileManager.default.copyItem(at: examples, to: second)
            defer { try? FileManager.default.removeItem(at: second) }
            // Version 2 of shell-baseline next to version 1: the `latest` assignments move to it.
            try """
            pack: shell-baseline
            version: 2
            description: Destructive shell patterns, stricter.
            rules:
              - id: RS-1
                surface: risky_shell
                match: ["rm -rf /*"]
                level: block
                risk: critical
            """.write(to: second.appendingPathComponent("zz-shell-v2.yaml"), atomically: true, encoding: .utf8)
            try ringfence.run(["apply", "-f", examples.path, "--yes"])
            try ringfence.run(["apply", "-f", second.path, "--yes"])
            let rollback = try ringfence.run(["rollback", "--to", "1", "--yes"])
            #expect(!rollback.contains("(no difference)"), "\(rollback)")
            #expect(rollback.contains("- pack version shell-baseline@2"), "\(rollback)")
            #expect(rollback.contains(": shell-baseline@2 → shell-baseline@1"), "\(rollback)")
            // After the rollback, version 2 is not new: it was published in revision 2.
            let preview = try ringfence.run(["apply", "-f", second.path, "--preview"])
            #expect(preview.contains("+ pack version shell-baseline@2 (published before; back in force)"), "\(preview)")
            #expect(!preview.contains("+ pack version shell-baseline@2\n"), "\(preview)")
        }
    }

    @Test(
        "history shows every revision with actor, comment and each change before → after; rollback takes a comment and previews its impact",
        .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
    func completeHistory() async throws {
        try await TestServers.withMigratedDatabase { _, database in
            let ringfence = try RingfenceExecutable(environment: [
                "RINGFENCE_DATABASE_URL": RingfenceExecutable.databaseURL(database), "USER": "ivy",
            ])
            let examples = TestServers.repositoryRoot.appendingPathComponent("examples/policy")
            let second = FileManager.default.temporaryDirectory.appendingPathComponent("rf-policy-\(UUID().uuidString)")
            try FileManager.default.copyItem(at: examples, to: second)
            defer { try? FileManager.default.removeItem(at: second) }
            // A mapping moved and an assignment's priority and groups changed.
            let mappings = second.appendingPathComponent("mappings.yaml")
            try String(contentsOf: mappings, encoding: .utf8)
                .replacingOccurrences(
                    of: "{ group: engineering, ring: 2, priority: 10 }",
                    with: "{ group: engineering, ring: 3, priority: 10 }"
                )
                .write(to: mappings, atomically: true, encoding: .utf8)
            let assignments = second.appendingPathComponent("assignments.yaml")
            let edited = try String(contentsOf: assignments, encoding: .utf8)
                .replacingOccurrences(
                    of: "    priority: 500\n    selector:\n      groups: [payments-eng]",
                    with: "    priority: 550\n    selector:\n      groups: [payments-eng, payments-oncall]")
            #expect(edited.contains("priority: 550"), "the example's payments-production-shell assignment moved")
            try edited.write(to: assignments, atomically: true, encoding: .utf8)

            try ringfence.run(["apply", "-f", examples.path, "--yes", "--comment", "baseline"])
            try ringfence.run(["apply", "-f", second.path, "--yes", "--comment", "engineering to ring 3"])
            let history = try ringfence.run(["history"])
            #expect(
                history.contains(
                    """
                    ivy  "engineering to ring 3"
                      ~ assignment payments-production-shell: priority: 500 → 550
                      ~ assignment payments-production-shell: selector.groups: [payments-eng] → [payments-eng, payments-oncall]
                      ~ ring mapping engineering: ring: 2 → 3
                    """), "\(history)")
            #expect(history.contains("ivy  \"baseline\"\n  + assignment baseline-secrets"), "\(history)")
            let one = try ringfence.run(["history", "--assignment", "payments-production-shell"])
            #expect(
                one.contains(
                    "changed payments-production-shell\n  priority: 500 → 550\n  selector.groups: [payments-eng] → [payments-eng, payments-oncall]"
                ), "\(one)")
            #expect(
                one.contains(
                    "added payments-production-shell\n  pack: shell-baseline\n  version: latest\n  priority: 500"),
                "\(one)")

            let preview = try ringfence.run(["rollback", "--to", "1", "--preview"])
            #expect(preview.contains("~ ring mapping engineering: ring: 3 → 2"), "\(preview)")
            #expect(preview.contains("impact on "), "\(preview)")
            #expect(preview.hasSuffix("preview only: nothing was published\n"), "\(preview)")
            try ringfence.run(["rollback", "--to", "1", "--yes", "--comment", "ring 3 was too early"])
            let latest = try ringfence.run(["history", "--limit", "1"])
            #expect(
                latest.contains(
                    "ivy  \"rollback to revision 1: ring 3 was too early\"\n  ~ assignment payments-production-shell: priority: 550 → 500"
                ),
                "\(latest)")
        }
    }

    @Test(
        "retention drops old event weeks and, on their own longer count, old rollups; fewer rollup weeks than event weeks is refused",
        .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
    func retention() async throws {
        try await TestServers.withMigratedDatabase { client, database in
            let ringfence = try RingfenceExecutable(environment: [
                "RINGFENCE_DATABASE_URL": RingfenceExecutable.databaseURL(database)
            ])
            let host = UUID()
            _ = try await EventStore(client: client).store(
                [0, 1, 5, 20].map { weeksAgo in
                    AuditEventRecord(
                        hostID: host, eventID: "e\(weeksAgo)",
                        occurredAt: Date().addingTimeInterval(-Double(weeksAgo) * 7 * 86_400),
                        user: "alice", agentKind: "claude-code", surface: .riskyShell, verdict: .pass,
                        appliedLevel: .off,
                        uncappedLevel: .off)
                })
            let refused = try ringfence.run(["retention", "--weeks", "4", "--rollup-weeks", "3"], input: Data())
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("keep at least 4 weeks of rollups (--rollup-weeks), not 3"), "\(refused)")
            let output = try ringfence.run(["retention", "--weeks", "4", "--rollup-weeks", "10"])
            #expect(output.contains("dropped audit_events_"), "\(output)")
            #expect(output.contains("deleted event rollups of 1 days (1 rows) older than 10 weeks"), "\(output)")
            var kept = 0
            for try await sum in try await client.query("SELECT sum(events)::bigint FROM event_rollups").decode(
                Int.self)
            {
                kept = sum
            }
            #expect(kept == 3)
        }
    }

    @Test(
        "events seal, then events verify: intact exits 0; an event changed behind the server's back exits 1 and is named",
        .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
    func sealAndVerify() async throws {
        try await TestServers.withMigratedDatabase { client, database in
            let ringfence = try RingfenceExecutable(environment: [
                "RINGFENCE_DATABASE_URL": RingfenceExecutable.databaseURL(database)
            ])
            let host = UUID()
            let yesterday = Date().addingTimeInterval(-86_400)
            _ = try await EventStore(client: client).store(
                ["e1", "e2"].map {
                    AuditEventRecord(
                        hostID: host, eventID: $0, occurredAt: yesterday, user: "alice", agentKind: "claude-code",
                        surface: .riskyShell, verdict: .pass, appliedLevel: .off, uncappedLevel: .off)
                })
            #expect(try ringfence.run(["events", "seal"]) == "sealed 1 host-day(s)\n")
            let intact = try ringfence.run(["events", "verify"])
            #expect(intact.contains("host \(host.uuidString.lowercased())  seal v1: intact"), "\(intact)")
            #expect(intact.hasSuffix("1 seal(s) checked, 0 not holding\n"))
            try await client.query("UPDATE audit_events SET verdict = 'block' WHERE event_id = 'e2'")
            let changed = try ringfence.run(["events", "verify", "--host", host.uuidString], input: Data())
            #expect(changed.status == 1, "\(changed)")
            #expect(
                changed.stdout.contains("seal v1: CHANGED: as many events as sealed, but not the same"), "\(changed)")
        }
    }
}
