import Foundation
import PostgresNIO
import RingfenceAdapters
import RingfenceTestSupport
import RingfenceWorkstation
import Testing

@testable import ringfence

/// The hook decides with the repository it works in, every step a real process: two real
/// git repositories (a sandbox and a production one, the production one used through a
/// linked worktree), a real `ringfence serve`, `workstation fetch` and the hook.
@Suite(
    "the hook in real git repositories",
    .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct WorkstationRepositoryTests {
    /// Claude Code's input for `rm -rf /var/lib/postgresql`, run in `cwd`.
    static func removeDatabase(cwd: String) throws -> Data {
        try JSONSerialization.data(withJSONObject: [
            "session_id": "s-1", "cwd": cwd, "hook_event_name": "PreToolUse", "tool_name": "Bash",
            "tool_input": ["command": "rm -rf /var/lib/postgresql"],
        ])
    }

    @Test(
        "the same command observes in the sandbox repository and is refused in the production one; events carry slugs")
    func repositories() async throws {
        try await TestServers.withMigratedDatabase { client, database in
            try await GitTool.withAsyncFolder { folder in
                let sandbox = folder.appendingPathComponent("sandbox")
                try GitTool.initialize(sandbox, origin: "git@github.com:Acme/Sandbox.git")
                try FileManager.default.createDirectory(
                    at: sandbox.appendingPathComponent("src/tools"), withIntermediateDirectories: true)
                let infra = folder.appendingPathComponent("infra")
                try GitTool.initialize(infra, origin: "https://github.com/acme/infra.git")
                try GitTool.run(["commit", "-q", "--allow-empty", "-m", "first"], in: infra)
                try GitTool.run(["worktree", "add", "-q", "../infra-fix"], in: infra)
                let worktree = folder.appendingPathComponent("infra-fix")
                let elsewhere = folder.appendingPathComponent("notes")
                try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)

                try await client.query(
                    "INSERT INTO repos (slug, trust) VALUES ('acme/sandbox', 'sandbox'), ('acme/infra', 'production')")
                let served = try await ExamplePolicyServer.start(client: client, database: database, folder: folder)
                defer { served.stop() }
                let ringfence = served.ringfence
                let token = served.token
                let cache = folder.appendingPathComponent("cache").path
                let common = served.workstationOptions(cache: cache)
                try ringfence.run(["workstation", "enrol", "--token", token, "--machine-id", "ws-repos"] + common)
                let fetch = ["workstation", "fetch", "--agent", "claude-code", "--install-dir", folder.path + "/etc"]
                try ringfence.run(fetch + common)

                func hook(in directory: URL) throws -> (refused: Bool, repo: String) {
                    let result = try ringfence.run(
                        ["hook", "--agent", "claude-code", "--cache", cache],
                        input: try Self.removeDatabase(cwd: directory.path))
                    #expect(result.status == 0, "\(result.stderr)")
                    let queued = try String(contentsOfFile: cache + "/queue/events.jsonl", encoding: .utf8)
                        .split(separator: "\n").last.map {
                            try JSONDecoder().decode(QueuedEvent.self, from: Data($0.utf8))
                        }
                    return (result.stdout.contains(#""permissionDecision":"deny""#), queued?.repo ?? "?")
                }

                // Before the host has the repositories' policies: the policy outside
                // repositories decides (ring 4 refuses), the repositories are noted.
                let first = try hook(in: sandbox.appendingPathComponent("src/tools"))
                #expect(first == (true, "acme/sandbox"))
                #expect(try hook(in: worktree).repo == "acme/infra")
                #expect(WorkstationCache(directory: cache).repositories().seen == ["acme/infra", "acme/sandbox"])

                // The next fetch gets each noted repository its own policy.
                let fetched = try ringfence.run(fetch + common)
                #expect(fetched.contains("in acme/infra") && fetched.contains("in acme/sandbox"), "\(fetched)")
                let repositories = WorkstationCache(directory: cache).repositories()
                #expect(repositories.cached == ["acme/infra", "acme/sandbox"] && repositories.seen.isEmpty)

                let inSandbox = try hook(in: sandbox.appendingPathComponent("src/tools"))
                #expect(inSandbox == (false, "acme/sandbox"), "sandboxes observe")
                let inProduction = try hook(in: worktree)
                #expect(inProduction == (true, "acme/infra"), "production refuses")
                let outside = try hook(in: elsewhere)
                #expect(outside == (true, ""), "outside a repository: the policy outside repositories")
            }
        }
    }
}
