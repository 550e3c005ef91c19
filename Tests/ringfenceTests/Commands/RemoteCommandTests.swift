import Foundation
import PostgresNIO
import RingfenceStore
import RingfenceTestSupport
import Testing

/// `--server`: the CLI through a running server's admin API instead of the database — the
/// token's person as actor, the same answers as with the database, refusals reported.
@Suite(
    "The CLI through the admin API (--server)",
    .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct RemoteCommandTests {
    /// A serve of the example policy with its admin API; `local` works on its database,
    /// `server` are the arguments that go through the API instead.
    static func withServe(
        _ body:
            @Sendable (_ local: RingfenceExecutable, _ server: [String], _ folder: URL, _ client: PostgresClient)
            async throws -> Void
    ) async throws {
        try await TestServers.withMigratedDatabase { client, database in
            try await GitTool.withAsyncFolder { folder in
                let adminPort = try freeLoopbackPort()
                let served = try await ExamplePolicyServer.start(
                    client: client, database: database, folder: folder,
                    environment: ["RINGFENCE_ADMIN_LISTEN": "127.0.0.1:\(adminPort)"])
                defer { served.stop() }
                let log = served.log
                try await HangGuard.until("the admin API listening") {
                    ((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("admin API listening")
                }
                try await body(served.ringfence, ["--server", "http://127.0.0.1:\(adminPort)"], folder, client)
            }
        }
    }

    @Test("apply, revisions, explain, fleet and rollback with --server; the token's person is the actor")
    func throughTheAPI() async throws {
        try await Self.withServe { local, server, folder, _ in
            let token = try local.run(["keys", "admin-token", "--label", "tess", "--role", "admin"])
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let viewer = try local.run(["keys", "admin-token", "--label", "vic", "--role", "viewer"])
                .trimmingCharacters(in: .whitespacesAndNewlines)
            // Without the database: only the server and a token.
            let remote = try RingfenceExecutable(environment: ["RINGFENCE_ADMIN_TOKEN": token, "USER": "root"])
            let policy = TestServers.repositoryRoot.appending(path: "examples/policy").path

            let unchanged = try remote.run(["apply", "-f", policy, "--comment", "same"] + server)
            #expect(unchanged.contains("nothing to publish"), "\(unchanged)")
            let changed = folder.appendingPathComponent("policy")
            try FileManager.default.copyItem(atPath: policy, toPath: changed.path)
            let mappings = changed.appendingPathComponent("mappings.yaml")
            try String(contentsOf: mappings, encoding: .utf8).replacingOccurrences(
                of: "{ group: ai-pilot, ring: 3, priority: 20 }", with: "{ group: ai-pilot, ring: 4, priority: 20 }"
            ).write(to: mappings, atomically: true, encoding: .utf8)
            let preview = try remote.run(["apply", "-f", changed.path, "--comment", "c", "--preview"] + server)
            #expect(preview.contains("~ ring mapping ai-pilot: ring: 3 → 4") && preview.contains("preview only"))
            let published = try remote.run(
                ["apply", "-f", changed.path, "--comment", "ai-pilot to enforcement", "--yes"] + server)
            #expect(published.contains("published revision 2"), "\(published)")
            let revisions = try remote.run(["revisions"] + server)
            #expect(revisions.split(separator: "\n").first?.contains("2  ") == true)
            #expect(revisions.contains("tess  ai-pilot to enforcement"), "\(revisions)")
            let history = try local.run(["history", "--limit", "1"])
            #expect(history.contains("tess  \"ai-pilot to enforcement\""), "\(history)")

            // One moment for both, so the texts (which name it) can be compared whole.
            let at = Date().formatted(.iso8601)
            let explained = try remote.run(["explain", "--user", "pat", "--matched-only", "--at", at] + server)
            let direct = try local.run(["explain", "--user", "pat", "--matched-only", "--at", at])
            #expect(explained == direct, "the same answer through the API as from the database")
            let json = try remote.run(["resolve", "--user", "pat", "--format", "json"] + server)
            #expect(json.contains("\"ring\" : 4"), "\(json)")

            let fleet = try remote.run(["fleet", "--hosts"] + server)
            #expect(fleet.contains("hosts:     0") && fleet.contains("missing:   3"), "\(fleet)")

            let back = try remote.run(["rollback", "--to", "1", "--comment", "too soon", "--yes"] + server)
            #expect(back.contains("published revision 3 (rollback to 1)"), "\(back)")
            #expect(
                try local.run(["history", "--limit", "1"]).contains("tess  \"rollback to revision 1: too soon\""))

            let refused = try RingfenceExecutable(environment: ["RINGFENCE_ADMIN_TOKEN": viewer]).run(
                ["rollback", "--to", "2", "--comment", "x", "--yes"] + server, input: Data())
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("the server answered 403: role viewer may not call rollbackPolicy"))
            let noComment = try remote.run(["apply", "-f", changed.path, "--yes"] + server, input: Data())
            #expect(noComment.status != 0 && noComment.stderr.contains("--server needs --comment"))
            let actor = try remote.run(
                ["apply", "-f", changed.path, "--comment", "x", "--actor", "eve"] + server, input: Data())
            #expect(actor.status != 0 && actor.stderr.contains("--actor is not used with --server"))
            let noToken = try RingfenceExecutable(environment: [:]).run(["revisions"] + server, input: Data())
            #expect(noToken.status != 0 && noToken.stderr.contains("--server needs a token"))
        }
    }

    @Test("exception requests listed, shown and approved, and the rollout's status, with --server")
    func exceptionsAndRollout() async throws {
        try await Self.withServe { local, server, _, client in
            try await client.query(
                "UPDATE directory_groups SET owners = ARRAY['uid=bob,ou=people,dc=example,dc=com'] WHERE name = 'contractors'"
            )
            let made = try local.run([
                "exceptions", "request", "--user", "cora", "--rule", "shell-baseline/RS-12", "--repo", "acme/pay",
                "--justification", "rotating the cluster credentials", "--duration", "2h",
            ])
            #expect(made.contains("request 1 pending"), "\(made)")
            func token(_ label: String, _ role: String) throws -> String {
                try local.run(["keys", "admin-token", "--label", label, "--role", role])
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let viewer = try RingfenceExecutable(environment: ["RINGFENCE_ADMIN_TOKEN": try token("vic", "viewer")])
            let bob = try RingfenceExecutable(environment: ["RINGFENCE_ADMIN_TOKEN": try token("bob", "manager")])

            let listed = try viewer.run(["exceptions", "list"] + server)
            #expect(listed == (try local.run(["exceptions", "list"])), "the same lines through the API")
            #expect(listed.contains("pending") && listed.contains("shell-baseline/RS-12"), "\(listed)")
            let refused = try viewer.run(["exceptions", "approve", "1"] + server, input: Data())
            #expect(refused.status != 0 && refused.stderr.contains("403"), "\(refused.stderr)")
            let forged = try bob.run(["exceptions", "approve", "1", "--as", "eve"] + server, input: Data())
            #expect(forged.status != 0 && forged.stderr.contains("--as is not used with --server"))
            let approved = try bob.run(["exceptions", "approve", "1", "--comment", "for the rotation"] + server)
            #expect(approved.contains("approved 1: shell-baseline/RS-12 for cora in acme/pay"), "\(approved)")
            let shown = try viewer.run(["exceptions", "show", "1"] + server)
            #expect(shown.contains("decided by:    bob — for the rotation") && shown.contains("approvers:     bob"))
            #expect(try local.run(["history", "--limit", "1"]).contains("bob  \"exception #1 approved"))

            let rollout = try viewer.run(["rollout", "status"] + server)
            #expect(rollout.contains("contractors → ring 3  (now ring"), "\(rollout)")
            #expect(rollout.contains("waiting until 2027-01-11T09:00:00Z"), "\(rollout)")
        }
    }
}
