import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import RingfenceCore
import RingfenceHTTP
import RingfenceStore
import RingfenceTestSupport
import Testing

/// A live admin API (Hummingbird's test server on loopback) over a fresh migrated
/// PostgreSQL database, with a directory and fleet seeded and one token per role.
struct AdminAPIHarness: Sendable {
    let http: TestClient
    let client: PostgresClient
    let fleet: FleetStore
    /// Tokens by role: tess (admin), otto (operator), vic (viewer), mia (manager of `web`).
    let tokens: [AdminRole: String]

    static func withAPI(
        configuration: AdminServer.Configuration = .init(tokenCacheSeconds: 0),
        _ body: @Sendable (AdminAPIHarness) async throws -> Void
    ) async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            try await seed(client)
            let fleet = FleetStore(client: client)
            var tokens: [AdminRole: String] = [:]
            let people: [(AdminRole, String)] = [
                (.admin, "tess"), (.operator, "otto"), (.viewer, "vic"), (.manager, "mia"),
            ]
            for (role, name) in people {
                let key = APIKey.generate()
                try await fleet.createAdminKey(
                    prefix: key.prefix, hash: key.hash, label: name, role: role, createdBy: "test",
                    expiresAt: Date().addingTimeInterval(3_600))
                tokens[role] = key.text
            }
            let router = try AdminServer.router(
                client: client, configuration: configuration, snapshots: nil, logger: Logger(label: "test"))
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            let frozenTokens = tokens
            try await app.test(.live) { live in
                // Our own client: HummingbirdTesting's gives each request a 20 s budget; this
                // one only guards against hangs.
                let port = try #require(live.port)
                let tester = TestClient(host: "localhost", port: port, configuration: .init(timeout: HangGuard.timeout))
                tester.connect()
                do {
                    try await body(AdminAPIHarness(http: tester, client: client, fleet: fleet, tokens: frozenTokens))
                    try await tester.shutdown()
                } catch {
                    try await tester.shutdown()
                    throw error
                }
            }
        }
    }

    /// One answer: status, headers and the body as JSON (nil when empty or not JSON).
    struct Answer: Sendable {
        var status: Int
        var headers: HTTPFields
        var body: [UInt8]

        var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] }
        var items: [[String: Any]] { json?["items"] as? [[String: Any]] ?? [] }
        var contentType: String? { headers[.contentType] }
    }

    /// Sends a request as `role` (or with `token`, or none with `token: ""`).
    func callAsFunction(
        _ method: HTTPRequest.Method, _ path: String, as role: AdminRole = .admin, json: Any? = nil,
        bytes: [UInt8]? = nil, token: String? = nil
    ) async throws -> Answer {
        var headers: HTTPFields = [.connection: "keep-alive"]
        let presented = token ?? tokens[role]!
        if !presented.isEmpty { headers[.authorization] = "Bearer \(presented)" }
        var payload = bytes
        if let json { payload = Array(try JSONSerialization.data(withJSONObject: json)) }
        if payload != nil { headers[.contentType] = "application/json" }
        let response = try await http.execute(
            TestClient.Request(
                path, method: method, authority: "localhost", headers: headers,
                body: payload.map { ByteBuffer(bytes: $0) }))
        return Answer(
            status: Int(response.head.status.code), headers: response.head.headerFields,
            body: Array(response.body?.readableBytesView ?? ByteBuffer().readableBytesView))
    }

    /// The files of examples/policy, as a publish request carries them.
    static func examplePolicy() throws -> [[String: String]] {
        let directory = TestServers.repositoryRoot.appending(path: "examples/policy")
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yaml") }
            .sorted().map {
                ["name": $0, "text": try String(contentsOf: directory.appending(path: $0), encoding: .utf8)]
            }
    }

    /// alice, bob ∈ web (owned by mia); carol ∈ mobile; mia ∈ engineering; seven hosts:
    /// three connected, two stale, two never heard from; two with Claude Code, one drifted.
    static func seed(_ client: PostgresClient) async throws {
        try await client.query(
            """
            INSERT INTO directory_users (id, dn, username, dn_key) VALUES
              (1, 'uid=alice,ou=people,dc=example,dc=com', 'alice', 'uid=alice,ou=people,dc=example,dc=com'),
              (2, 'uid=bob,ou=people,dc=example,dc=com', 'bob', 'uid=bob,ou=people,dc=example,dc=com'),
              (3, 'uid=carol,ou=people,dc=example,dc=com', 'carol', 'uid=carol,ou=people,dc=example,dc=com'),
              (4, 'uid=mia,ou=people,dc=example,dc=com', 'mia', 'uid=mia,ou=people,dc=example,dc=com')
            """)
        try await client.query(
            """
            INSERT INTO directory_groups (id, dn, name, owners) VALUES
              (1, 'cn=web,ou=groups,dc=example,dc=com', 'web', ARRAY['UID=Mia,OU=People,DC=example,DC=com']),
              (2, 'cn=mobile,ou=groups,dc=example,dc=com', 'mobile', '{}'),
              (3, 'cn=engineering,ou=groups,dc=example,dc=com', 'engineering', '{}'),
              (4, 'cn=web_ops,ou=groups,dc=example,dc=com', 'web_ops', '{}'),
              (5, 'cn=webxops,ou=groups,dc=example,dc=com', 'webxops', '{}')
            """)
        try await client.query(
            """
            INSERT INTO effective_memberships (user_id, group_id, depth) VALUES
              (1, 1, 0), (2, 1, 0), (3, 2, 0), (4, 3, 0), (1, 3, 1)
            """)
        let now = Date()
        let stale = now.addingTimeInterval(-3 * 86_400)
        var rows: [(UUID, String, Date?, [String], [String])] = []
        for (index, name) in ["h1", "h2", "h3", "h4", "h5", "h6", "h7"].enumerated() {
            let heartbeat: Date? = index < 3 ? now : index < 5 ? stale : nil
            rows.append(
                (
                    UUID(), "\(name).example.com", heartbeat, index == 0 ? ["alice"] : ["bob"],
                    index == 3 ? ["claude-code/managed-settings.json"] : []
                ))
        }
        for (id, hostname, heartbeat, users, drifted) in rows {
            try await client.query(
                """
                INSERT INTO hosts (id, machine_id, hostname, users, last_heartbeat_at, drifted_files)
                VALUES (\(id), \(hostname), \(hostname), \(users), \(heartbeat), \(drifted))
                """)
        }
        try await client.query(
            """
            INSERT INTO host_agents (host_id, kind, version, hook_state) VALUES
              (\(rows[0].0), 'claude-code', '2.0.1', 'installed'), (\(rows[3].0), 'claude-code', '2.0.1', 'missing'),
              (\(rows[3].0), 'cursor', '1.7.0', 'installed')
            """)
        try await client.query(
            """
            INSERT INTO host_mcp_servers (host_id, agent_kind, name, transport, endpoint, scope)
            VALUES (\(rows[0].0), 'claude-code', 'github', 'http', 'https://api.githubcopilot.com/mcp/', 'managed')
            """)
    }
}
