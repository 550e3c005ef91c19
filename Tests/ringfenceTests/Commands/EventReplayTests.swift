import Foundation
import PostgresNIO
import RingfenceTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Issue 20's replay, end to end with real processes: a directory in slapd synced by
/// `ringfence sync`, `ringfence serve`, a workstation enrolled with `ringfence workstation`
/// whose hook decides recorded Claude Code inputs. Between rounds of decisions the policy
/// is changed, rolled back, the directory and the host are changed — and afterwards every
/// decision is replayed by `events explain` and by `explain --at`.
@Suite(
    "events explain and explain --at replay every earlier decision",
    .enabled(if: TestServers.ldapEnabled && TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct EventReplayTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("RingfenceAdaptersTests/Fixtures/hooks/claude-code")

    struct StoredRow: Sendable {
        var eventID: String
        var occurredAt: Date
        var etag: String
        var revision: Int64
        var rule: String
    }

    static func storedEvents(_ client: PostgresClient) async throws -> [StoredRow] {
        var rows: [StoredRow] = []
        for try await (id, at, etag, revision, rule) in try await client.query(
            """
            SELECT event_id, occurred_at, coalesce(policy_etag, ''), coalesce(policy_revision, 0),
                   coalesce(pack || '/' || rule_id, '')
            FROM audit_events ORDER BY occurred_at
            """
        ).decode((String, Date, String, Int64, String).self) {
            rows.append(StoredRow(eventID: id, occurredAt: at, etag: etag, revision: revision, rule: rule))
        }
        return rows
    }

    @Test("publish, decide, roll back, change the directory and the host: each decision reproduces")
    func replay() async throws {
        try await TestServers.withMigratedDatabase { client, database in
            let ldap = try LDAPTestDirectory.create()
            // bob is in security (ring 4) through its nesting in engineering (ring 2).
            try ldap.modify(
                [
                    ldap.person("bob", extra: ["employeeType: developer"]),
                    ldap.person("pat"),
                    ldap.person("sam"),
                    ldap.group("security", users: ["bob", "sam"]),
                    ldap.group("engineering", users: ["pat"], groups: ["security"]),
                ].joined(separator: "\n\n"))
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rf-replay-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let port = try freeLoopbackPort()
            let configuration = folder.appendingPathComponent("ringfence.yaml")
            try
                ("server:\n  cacheSeconds: 0\n"
                + ldap.configurationSection(extra: [
                    "  roles:", "    attribute: employeeType", "  deletionGuard:", "    maxShare: 0.5",
                ]))
                .write(to: configuration, atomically: true, encoding: .utf8)
            let ringfence = try RingfenceExecutable(environment: [
                "RINGFENCE_DATABASE_URL": RingfenceExecutable.databaseURL(database),
                "RINGFENCE_LISTEN": "127.0.0.1:\(port)", "RINGFENCE_METRICS_LISTEN": "off",
                "RINGFENCE_LDAP_PASSWORD": ldap.server.password, "HOME": "/home/bob", "USER": "bob",
            ])
            try ringfence.run(["sync", "--config", configuration.path, "--full"])
            let examples = TestServers.repositoryRoot.appending(path: "examples/policy")
            try ringfence.run(["apply", "-f", examples.path, "--yes", "--comment", "first"])

            let log = folder.appendingPathComponent("serve.log")
            let server = try ringfence.start(["serve", "--config", configuration.path], log: log)
            defer {
                kill(server.processIdentifier, SIGKILL)
                server.waitUntilExit()
            }
            try ringfence.waitUntilServing(server, port: port, log: log)
            let cache = folder.appendingPathComponent("cache").path
            let common = ["--server", "127.0.0.1:\(port)", "--cache", cache]
            let token = try ringfence.run(["keys", "enrol-token", "--user", "bob"]).trimmingCharacters(
                in: .whitespacesAndNewlines)
            try ringfence.run(["workstation", "enrol", "--token", token, "--machine-id", "ws-replay"] + common)
            var hosts: [UUID] = []
            for try await id in try await client.query("SELECT id FROM hosts").decode(UUID.self) { hosts.append(id) }
            let host = try #require(hosts.first)
            let install = folder.appendingPathComponent("etc-claude-code").path

            /// Fetches the policy, lets the hook decide each input, sends the events.
            func decide(_ round: String) throws -> String {
                let fetched = try ringfence.run(
                    ["workstation", "fetch", "--agent", "claude-code", "--install-dir", install] + common)
                for name in ["bash-rm-rf.json", "bash-ls.json", "read-dotenv.json", "bash-curl-sh.json"] {
                    let input = try Data(contentsOf: Self.fixtures.appendingPathComponent(name))
                    let result = try ringfence.run(["hook", "--agent", "claude-code", "--cache", cache], input: input)
                    #expect(result.status == 0, "\(round) \(name): \(result.stderr)")
                }
                let sent = try ringfence.run(["workstation", "send"] + common)
                #expect(sent.contains("4 stored"), "\(round): \(sent)")
                return fetched
            }

            _ = try decide("ring 4")
            // A publish: security drops to ring 3.
            let changed = folder.appendingPathComponent("policy")
            try FileManager.default.copyItem(at: examples, to: changed)
            let mappings = changed.appendingPathComponent("mappings.yaml")
            let text = try String(contentsOf: mappings, encoding: .utf8)
            try text.replacingOccurrences(
                of: "{ group: security, ring: 4, priority: 30 }", with: "{ group: security, ring: 3, priority: 30 }"
            ).write(to: mappings, atomically: true, encoding: .utf8)
            try ringfence.run(["apply", "-f", changed.path, "--yes", "--comment", "security to ring 3"])
            _ = try decide("ring 3")
            try ringfence.run(["rollback", "--to", "1", "--yes", "--comment", "back to ring 4"])
            _ = try decide("rolled back")
            // The directory: bob leaves security for engineering directly (ring 2), and is a lead now.
            try ldap.modify(
                """
                dn: \(ldap.groupDN("security"))
                changetype: modify
                delete: member
                member: \(ldap.userDN("bob"))

                dn: \(ldap.groupDN("engineering"))
                changetype: modify
                add: member
                member: \(ldap.userDN("bob"))

                dn: \(ldap.userDN("bob"))
                changetype: modify
                replace: employeeType
                employeeType: lead
                """)
            try ringfence.run(["sync", "--config", configuration.path, "--full"])
            _ = try decide("directory changed")
            // The host: an admin pins it to ring 3.
            try ringfence.run(["hosts", "set", host.uuidString, "--ring", "3", "--comment", "pilot host"])
            _ = try decide("host pinned")

            let events = try await Self.storedEvents(client)
            #expect(events.count == 20)
            #expect(Set(events.map(\.etag)).count >= 3, "the rounds decided with different policies")
            #expect(events.allSatisfy { $0.revision > 0 }, "every event names its revision")
            #expect(Set(events.map(\.revision)) == [1, 2, 3], "revisions 1, 2 and the rollback's 3")

            var differentToday = 0
            for event in events {
                let explained = try ringfence.run(
                    ["events", "explain", event.eventID, "--host", host.uuidString], input: Data())
                #expect(explained.status == 0, "\(event.eventID): \(explained.stdout)\(explained.stderr)")
                #expect(explained.stdout.contains("replayed: REPRODUCED (etag \(event.etag)"), "\(explained.stdout)")
                #expect(explained.stdout.contains("revision \(event.revision) (named by the event)"))
                #expect(explained.stdout.contains("the host held etag \(event.etag): resolution "))
                if !event.rule.isEmpty { #expect(explained.stdout.contains(event.rule)) }
                if explained.stdout.contains("would decide differently") { differentToday += 1 }

                // explain --at: the same policy from the directory and the host as they were.
                let json = try ringfence.run([
                    "explain", "--user", "bob", "--host", host.uuidString, "--agent", "claude-code", "--at",
                    Self.iso8601(event.occurredAt), "--format", "json",
                ])
                let document = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
                #expect(document?["etag"] as? String == event.etag, "explain --at for \(event.eventID)")
            }
            #expect(differentToday > 0, "today's directory and host decide some events differently")
            #expect(differentToday < events.count, "and some the same")

            // The replay needed history: the directory of the first round is not today's.
            let then = try ringfence.run([
                "explain", "--user", "bob", "--agent", "claude-code", "--at", Self.iso8601(events[0].occurredAt),
                "--format", "json",
            ])
            let now = try ringfence.run(["explain", "--user", "bob", "--agent", "claude-code", "--format", "json"])
            let groupsThen = (try JSONSerialization.jsonObject(with: Data(then.utf8)) as? [String: Any])?["groups"]
            let groupsNow = (try JSONSerialization.jsonObject(with: Data(now.utf8)) as? [String: Any])?["groups"]
            #expect(groupsThen as? [String] == ["engineering", "security"])
            #expect(groupsNow as? [String] == ["engineering"])
            let rolesThen = (try JSONSerialization.jsonObject(with: Data(then.utf8)) as? [String: Any])?["roles"]
            #expect(rolesThen as? [String] == ["developer"], "the role bob had then")

            // The incident bundle of bob over the test: every decision replayed, the revisions
            // in force in full, the directory's history, the host's changes.
            let bundle = folder.appendingPathComponent("bundle")
            let exported = try ringfence.run([
                "incident", "export", "--user", "bob", "--from",
                Self.iso8601(events[0].occurredAt.addingTimeInterval(-0.002)),
                "--out", bundle.path,
            ])
            #expect(exported.contains(": 20 events (0 with a seal proof)"), "\(exported)")
            let decisions = try String(contentsOf: bundle.appendingPathComponent("decisions.jsonl"), encoding: .utf8)
                .split(separator: "\n")
            #expect(decisions.count == 20)
            #expect(decisions.allSatisfy { $0.contains(#""outcome":"reproduced""#) })
            for revision in 1...3 {
                let document = try String(
                    contentsOf: bundle.appendingPathComponent("revisions/\(revision).json"), encoding: .utf8)
                #expect(document.contains(#""revision": \#(revision)"#), "revision \(revision) in full")
            }
            let memberships = try String(
                contentsOf: bundle.appendingPathComponent("directory/membership-history.jsonl"), encoding: .utf8)
            #expect(memberships.contains(#""change": "removed""#) && memberships.contains("cn=security"))
            let atStart = try String(
                contentsOf: bundle.appendingPathComponent("directory/at-start.json"), encoding: .utf8)
            #expect(atStart.contains("security") && atStart.contains("developer"))
            let hostChanges = try String(
                contentsOf: bundle.appendingPathComponent("hosts/changes.jsonl"), encoding: .utf8)
            #expect(hostChanges.contains(#""comment": "pilot host""#))
            let resolutionsFile = try String(
                contentsOf: bundle.appendingPathComponent("resolutions.jsonl"), encoding: .utf8)
            #expect(resolutionsFile.split(separator: "\n").count >= 4, "the served resolutions with their traces")
            #expect(resolutionsFile.contains(#""outcome":"matched""#))

            // A decision that does not match its revision is called out, and the command exits 1.
            let first = events.first { !$0.rule.isEmpty }!
            try await client.query(
                "UPDATE audit_events SET applied_level = 'off' WHERE event_id = \(first.eventID)")
            let tampered = try ringfence.run(
                ["events", "explain", first.eventID, "--host", host.uuidString], input: Data())
            #expect(tampered.status == 1, "\(tampered.stdout)")
            #expect(tampered.stdout.contains("replayed: DIFFERS"), "\(tampered.stdout)")
            #expect(tampered.stdout.contains("the event recorded off"), "\(tampered.stdout)")
            let unknown = try ringfence.run(["events", "explain", "no-such-event"], input: Data())
            #expect(unknown.status == 1 && unknown.stderr.contains("no stored event has id 'no-such-event'"))
        }
    }

    /// The moment with its milliseconds, as `--at` takes it.
    static func iso8601(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
