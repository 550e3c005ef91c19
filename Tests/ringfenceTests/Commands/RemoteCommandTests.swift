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
    @Test("apply, revisions, explain, fleet and rollback with --server; the token's person is the actor")
    func throughTheAPI() async throws {
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
                let local = served.ringfence
                let token = try local.run(["keys", "admin-token", "--label", "tess", "--role", "admin"])
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                let viewer = try local.run(["keys", "admin-token", "--label", "vic", "--role", "viewer"])
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                // Without the database: only the server and a token.
                let remote = try RingfenceExecutable(environment: ["RINGFENCE_ADMIN_TOKEN": token, "USER": "root"])
                let server = ["--server", "http://127.0.0.1:\(adminPort)"]
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
    }
}
