import Foundation
import PostgresNIO
import RingfenceCore
import RingfenceReports
import RingfenceStore
import RingfenceTestSupport
import Testing

/// The mails about what the rollout did: owed with the event, sent to the group's owners,
/// kept and retried while the relay is away.
@Suite(
    "Rollout mails through PostgreSQL and a real SMTP server",
    .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct RolloutNotifierTests {
    /// `group`, owned by wendy (with an address); `orphans`, owned by nobody.
    static func seed(_ client: PostgresClient, group: String) async throws {
        try await client.query(
            """
            INSERT INTO directory_users (id, dn, username, email)
            VALUES (1, 'uid=wendy,ou=people,dc=example,dc=com', 'wendy', 'wendy@example.com')
            """)
        try await client.query(
            """
            INSERT INTO directory_groups (id, dn, name, owners) VALUES
            (1, \("cn=\(group),ou=groups,dc=example,dc=com"), \(group), ARRAY['UID=Wendy,OU=People,DC=example,DC=com']),
            (2, 'cn=orphans,ou=groups,dc=example,dc=com', 'orphans', '{}')
            """)
    }

    static let failing = [
        RolloutGates.Result(
            gate: "hookedHosts", passed: false,
            detail: "2 of 4 connected hosts have every hook installed and no drift (50 %); at least 90 %")
    ]

    static func owed(_ client: PostgresClient) async throws -> [String] {
        var result: [String] = []
        for try await (group, sent, attempts) in try await client.query(
            "SELECT group_name, sent_at IS NOT NULL, attempts FROM rollout_events ORDER BY id"
        ).decode((String, Bool, Int).self) {
            result.append("\(group) sent=\(sent) attempts=\(attempts)")
        }
        return result
    }

    @Test("a held step is recorded once per set of failing gates; a relay away keeps the mail owed")
    func relayAway() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            try await Self.seed(client, group: "web")
            let store = RolloutStore(client: client)
            let step = RolloutPlan.Step(group: "web", ring: .target)
            #expect(try await store.noteHeld(step, failing: Self.failing))
            #expect(try await store.noteHeld(step, failing: Self.failing) == false, "same gates: not again")
            var other = Self.failing
            other[0].gate = "connectedMembers"
            #expect(try await store.noteHeld(step, failing: other), "other gates: a new entry")
            let notifier = RolloutNotifier(
                client: client, smtp: SMTPClient(host: "127.0.0.1", port: 1, timeout: .seconds(60)),
                from: "ringfence@example.com")
            #expect(try await notifier.deliverDue() == 0)
            #expect(try await Self.owed(client) == ["web sent=false attempts=1", "web sent=false attempts=1"])
            #expect(try await store.dueNotifications().isEmpty)
            #expect(try await store.dueNotifications(now: Date().addingTimeInterval(120)).count == 2)
        }
    }

    @Test(
        "a held step's mail reaches the group's owners with the failing gate; a group without owners is marked done",
        .enabled(if: TestMailRelay.enabled, TestMailRelay.skipMessage))
    func delivered() async throws {
        let (host, port, maildir) = try TestMailRelay.required()
        try await TestServers.withMigratedDatabase { client, _ in
            let group = "web-\(UUID().uuidString.prefix(8).lowercased())"
            try await Self.seed(client, group: group)
            let store = RolloutStore(client: client)
            _ = try await store.noteHeld(.init(group: group, ring: .target), failing: Self.failing)
            _ = try await store.noteHeld(.init(group: "orphans", ring: .target), failing: Self.failing)
            let notifier = RolloutNotifier(
                client: client, smtp: SMTPClient(host: host, port: port, timeout: TestMailRelay.sessionGuard),
                from: "ringfence@example.com")
            #expect(try await notifier.deliverDue() == 1)
            #expect(try await Self.owed(client) == ["\(group) sent=true attempts=1", "orphans sent=true attempts=1"])
            #expect(try await notifier.deliverDue() == 0, "each mail once")

            let folder = URL(fileURLWithPath: maildir).appendingPathComponent("new")
            let mails = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
                .map { try String(contentsOf: $0, encoding: .utf8) }
                .filter { $0.contains("Subject: Ringfence rollout: held \(group) at the step to ring 3") }
            #expect(mails.count == 1, "\(mails)")
            let mail = try #require(mails.first)
            #expect(mail.contains("X-RcptTo: wendy@example.com"))
            // The text part, base64 between its headers and the next boundary.
            let part = try #require(mail.components(separatedBy: "Content-Type: text/plain; charset=utf-8").last)
            let body = part.components(separatedBy: "\n\n").dropFirst().first?.components(separatedBy: "--=_").first
            let text = String(
                decoding: try #require(Data(base64Encoded: (body ?? "").filter { !$0.isWhitespace })), as: UTF8.self)
            #expect(
                text.contains("FAIL  hookedHosts: 2 of 4 connected hosts have every hook installed and no drift"),
                "\(text)")
            #expect(text.contains("Details: ringfence rollout status"), "\(text)")
        }
    }
}
