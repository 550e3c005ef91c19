import Foundation
import PostgresNIO
import RingfenceCore
import RingfenceReports
import RingfenceStore
import RingfenceTestSupport
import Testing

/// The mails about exception requests: owed in the same transaction as the change, sent
/// to the requester and the approvers, kept and retried while the relay is away.
@Suite(
    "Exception mails through PostgreSQL and a real SMTP server",
    .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct ExceptionNotifierTests {
    static let policy = PolicyBundle(
        packs: [
            PackVersion(
                pack: "shell", version: 1,
                rules: [
                    Rule(id: "RS-12", surface: .riskyShell, match: ["kubectl * prod*"], level: .block, risk: .high)
                ])
        ], assignments: [Assignment(id: "baseline", pack: "shell", priority: 10)])

    /// bob ∈ payments-eng, owned by trent; everyone has an address.
    static func seed(_ client: PostgresClient) async throws {
        for (id, user) in [(1, "bob"), (2, "trent")] {
            try await client.query(
                """
                INSERT INTO directory_users (id, dn, username, email)
                VALUES (\(id), \("uid=\(user),ou=people,dc=example,dc=com"), \(user), \("\(user)@example.com"))
                """)
        }
        try await client.query(
            """
            INSERT INTO directory_groups (id, dn, name, owners)
            VALUES (1, 'cn=payments-eng,ou=groups,dc=example,dc=com', 'payments-eng', ARRAY['uid=trent,ou=people,dc=example,dc=com'])
            """)
        try await client.query("INSERT INTO effective_memberships (user_id, group_id, depth) VALUES (1, 1, 0)")
        _ = try await PolicyStore(client: client).publish(policy, actor: "alice", expectedCurrent: nil)
    }

    static func make(_ store: ExceptionStore, repo: String) async throws -> ExceptionRequest {
        try await store.create(
            requester: "bob", host: nil, pack: "shell", rule: "RS-12", repo: repo,
            justification: "rotating the namespace", duration: 3_600)
    }

    static func owed(_ client: PostgresClient) async throws -> [String] {
        var result: [String] = []
        for try await (request, event, sent, attempts) in try await client.query(
            "SELECT request_id, event, sent_at IS NOT NULL, attempts FROM exception_notifications ORDER BY id"
        ).decode((Int64, String, Bool, Int).self) {
            result.append("\(request) \(event) sent=\(sent) attempts=\(attempts)")
        }
        return result
    }

    @Test("a relay that is away: every mail stays owed, with the attempt counted, and nothing else is held up")
    func relayAway() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            try await Self.seed(client)
            let store = ExceptionStore(client: client)
            let made = try await Self.make(store, repo: "acme/infra")
            _ = try await store.approve(made.id, by: "trent", comment: nil, approverGroup: nil)
            let notifier = ExceptionNotifier(
                client: client, smtp: SMTPClient(host: "127.0.0.1", port: 1, timeout: .seconds(60)),
                from: "ringfence@example.com", approverGroup: nil)
            #expect(try await notifier.deliverDue() == 0)
            #expect(
                try await Self.owed(client) == [
                    "\(made.id) requested sent=false attempts=1", "\(made.id) approved sent=false attempts=1",
                ])
            // Not due again before the retry time.
            #expect(try await store.dueNotifications().isEmpty)
            #expect(try await store.dueNotifications(now: Date().addingTimeInterval(120)).count == 2)
        }
    }

    @Test(
        "requested, approved, denied, expired: each mail reaches the requester and the approvers",
        .enabled(if: TestMailRelay.enabled, TestMailRelay.skipMessage))
    func delivered() async throws {
        let (host, port, maildir) = try TestMailRelay.required()
        try await TestServers.withMigratedDatabase { client, _ in
            try await Self.seed(client)
            let store = ExceptionStore(client: client)
            let repo = "acme/mail-\(UUID().uuidString.prefix(8).lowercased())"
            let granted = try await Self.make(store, repo: repo)
            let refused = try await Self.make(store, repo: repo + "-2")
            _ = try await store.approve(granted.id, by: "trent", comment: "ok for the migration", approverGroup: nil)
            _ = try await store.deny(refused.id, by: "trent", comment: "use the pipeline", approverGroup: nil)
            #expect(try await store.expire(now: Date().addingTimeInterval(7_200)) == [granted.id])
            let notifier = ExceptionNotifier(
                client: client, smtp: SMTPClient(host: host, port: port, timeout: TestMailRelay.sessionGuard),
                from: "ringfence@example.com",
                approverGroup: nil)
            #expect(try await notifier.deliverDue() == 5)
            #expect(try await Self.owed(client).allSatisfy { $0.hasSuffix("sent=true attempts=1") })
            #expect(try await notifier.deliverDue() == 0, "each mail once")

            // aiosmtpd's Mailbox handler has stored each mail by the time it answered 250.
            let folder = URL(fileURLWithPath: maildir).appendingPathComponent("new")
            let mails = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
                .map { try String(contentsOf: $0, encoding: .utf8) }.filter { $0.contains(repo) }
            func one(_ subject: String) -> String? {
                let found = mails.filter { $0.contains("Subject: \(subject)") }
                return found.count == 1 ? found[0] : nil
            }
            let requested = try #require(
                one("Ringfence exception request \(granted.id): shell/RS-12 for bob in \(repo)"), "\(mails)")
            #expect(requested.contains("X-RcptTo: trent@example.com, bob@example.com"))
            let approved = try #require(one("Ringfence exception \(granted.id) approved: shell/RS-12 in \(repo)"))
            #expect(approved.contains("X-RcptTo: bob@example.com, trent@example.com"))
            #expect(one("Ringfence exception \(refused.id) denied: shell/RS-12 in \(repo)-2") != nil)
            #expect(one("Ringfence exception \(granted.id) ended: shell/RS-12 in \(repo)") != nil)
        }
    }
}
