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
    /// Claude Code's input for `kubectl delete namespace payments --context prod-eu` (shell-baseline RS-12, high risk: not held up by the critical floor), run in `cwd`.
    static func deleteProductionNamespace(cwd: String) throws -> Data {
        try JSONSerialization.data(withJSONObject: [
            "session_id": "s-1", "cwd": cwd, "hook_event_name": "PreToolUse", "tool_name": "Bash",
            "tool_input": ["command": "kubectl delete namespace payments --context prod-eu"],
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

                // Their trust comes from examples/policy/repositories.yaml.
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
                        input: try Self.deleteProductionNamespace(cwd: directory.path))
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

                // `explain` from the database resolves as FetchPolicy did: same etag.
                let store = WorkstationCache(directory: cache)
                let host = try store.read(WorkstationCache.Identity.self, at: store.identityPath).hostID
                let held = try store.read(AgentPolicy.self, at: store.policyPath(repository: "acme/infra"))
                let explained = try JSONDecoder().decode(
                    Explained.self,
                    from: Data(
                        try ringfence.run([
                            "explain", "--user", "bob", "--host", host, "--repo", "acme/infra", "--agent",
                            "claude-code",
                            "--format", "json",
                        ]).utf8))
                #expect(explained.etag == held.etag)
                #expect(explained.groups == ["security"])
                #expect(explained.repository?.trust == "production")
                // A user not bound to the host: refused, as FetchPolicy refuses.
                let unbound = try ringfence.run(
                    ["explain", "--user", "mallory", "--host", host, "--repo", "acme/infra"], input: Data())
                #expect(unbound.status != 0 && unbound.stderr.contains("not bound"), "\(unbound)")
                // An admin binds mallory and moves the host to ring 2, with history.
                #expect(
                    try ringfence.run(["hosts", "bind", host, "mallory", "--actor", "ines"]).contains("bound: mallory"))
                _ = try ringfence.run(["explain", "--user", "mallory", "--host", host, "--repo", "acme/infra"])
                _ = try ringfence.run(["hosts", "set", host, "--ring", "2", "--comment", "pilot", "--actor", "ines"])
                let moved = try ringfence.run(["explain", "--user", "bob", "--host", host, "--repo", "acme/infra"])
                #expect(moved.contains("ring:     2"), "\(moved)")
                let history = try ringfence.run(["hosts", "history", host])
                #expect(history.contains("user:mallory: - → bound  by ines"), "\(history)")
                #expect(history.contains("ring: - → 2  by ines  (pilot)"), "\(history)")
                #expect(try ringfence.run(["hosts", "show", host]).contains("mallory  bound"))
                _ = try ringfence.run(["hosts", "set", host, "--ring", "groups", "--actor", "ines"])

                // A cache edited by hand counts as no cache: fail closed refuses, fail open passes.
                var edited = try Data(
                    contentsOf: URL(fileURLWithPath: store.binaryPolicyPath(repository: "acme/sandbox")))
                edited[edited.count - 3] ^= 0x01
                try edited.write(to: URL(fileURLWithPath: store.binaryPolicyPath(repository: "acme/sandbox")))
                let input = try Self.deleteProductionNamespace(cwd: sandbox.path)
                let closed = try ringfence.run(
                    ["hook", "--agent", "claude-code", "--cache", cache, "--fail-closed", "risky_shell"], input: input)
                #expect(closed.stdout.contains(#""permissionDecision":"deny""#), "\(closed)")
                #expect(closed.stdout.contains("fails closed"), "\(closed)")
                let open = try ringfence.run(["hook", "--agent", "claude-code", "--cache", cache], input: input)
                #expect(open.status == 0 && open.stdout.isEmpty, "\(open)")
                let last = try String(contentsOfFile: cache + "/queue/events.jsonl", encoding: .utf8)
                    .split(separator: "\n").last.map { try JSONDecoder().decode(QueuedEvent.self, from: Data($0.utf8)) }
                #expect(last?.summary.contains("refused") == true, "\(String(describing: last))")
            }
        }
    }
}

/// The parts of `ringfence explain --format json` compared with what the host holds.
struct Explained: Decodable {
    struct Repository: Decodable {
        var trust: String
    }
    var etag: String
    var groups: [String]?
    var repository: Repository?
}
