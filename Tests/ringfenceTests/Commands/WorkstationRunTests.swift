import Foundation
import PostgresNIO
import RingfenceAdapters
import RingfenceTestSupport
import RingfenceWorkstation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `ringfence workstation run` end to end, every part a real process: `ringfence serve`, two
/// workstations running as services, the hook, and two real git repositories.
@Suite(
    "workstation run", .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct WorkstationRunTests {
    /// Claude Code's input for `kubectl delete namespace payments --context prod-eu` (shell-baseline RS-12, high risk: not held up by the critical floor), run in `cwd`.
    static func deleteProductionNamespace(cwd: String) throws -> Data {
        try WorkstationRepositoryTests.deleteProductionNamespace(cwd: cwd)
    }

    /// One enrolled workstation running `workstation run` for `user`.
    struct Workstation {
        let user: String
        let cache: String
        let process: Process
        let log: URL
        var store: WorkstationCache { WorkstationCache(directory: cache) }
        var hostID: String { (try? store.read(WorkstationCache.Identity.self, at: store.identityPath).hostID) ?? "" }

        /// The revision of the policy held for `slug`, nil before the first fetch.
        func revision(_ slug: String) -> Int64? {
            (try? store.read(AgentPolicy.self, at: store.policyPath(repository: slug)))?.revision
        }

        func stop() -> Int32 {
            if process.isRunning {
                kill(process.processIdentifier, SIGTERM)
                process.waitUntilExit()
            }
            return process.terminationStatus
        }
    }

    @Test(
        "a platform engineer's sandbox observes and a contractor's production refuses; a publish and a rollback reach both hooks by themselves; keys rotate underneath"
    )
    func run() async throws {
        try await TestServers.withMigratedDatabase { client, database in
            try await GitTool.withAsyncFolder { folder in
                let sandbox = folder.appendingPathComponent("sandbox")
                try GitTool.initialize(sandbox, origin: "git@github.com:acme/sandbox.git")
                let infra = folder.appendingPathComponent("infra")
                try GitTool.initialize(infra, origin: "https://github.com/acme/infra.git")
                // Keys live 8.6 s and are rotated two thirds in; heartbeats every second.
                let config = folder.appendingPathComponent("ringfence.yaml")
                try """
                server:
                  keyLifetimeDays: 0.0001
                  rotationOverlapHours: 0.002
                  heartbeatSeconds: 1
                  cacheSeconds: 0
                """.write(to: config, atomically: true, encoding: .utf8)
                let served = try await ExamplePolicyServer.start(
                    client: client, database: database, folder: folder,
                    environment: ["RINGFENCE_CONFIG": config.path])
                defer { served.stop() }
                let ringfence = served.ringfence

                func workstation(_ user: String) throws -> Workstation {
                    let cache = folder.appendingPathComponent("cache-\(user)").path
                    let common = served.workstationOptions(cache: cache)
                    let token = try ringfence.run(["keys", "enrol-token", "--user", user])
                        .trimmingCharacters(in: .whitespacesAndNewlines)
                    _ = try ringfence.run(
                        ["workstation", "enrol", "--token", token, "--machine-id", "ws-\(user)"] + common)
                    let log = folder.appendingPathComponent("run-\(user).log")
                    let process = try ringfence.start(
                        [
                            "workstation", "run", "--agent", "claude-code", "--user", user, "--install-dir",
                            folder.path + "/etc-\(user)", "--send-interval", "1s", "--check-interval", "1s",
                        ] + common, log: log)
                    return Workstation(user: user, cache: cache, process: process, log: log)
                }
                let pat = try workstation("pat")
                let cora = try workstation("cora")
                defer {
                    _ = pat.stop()
                    _ = cora.stop()
                }

                func hook(_ station: Workstation, in directory: URL) throws -> (refused: Bool, detail: String) {
                    let result = try ringfence.run(
                        ["hook", "--agent", "claude-code", "--cache", station.cache],
                        input: try Self.deleteProductionNamespace(cwd: directory.path))
                    #expect(result.status == 0, "\(result.stderr)")
                    return (result.stdout.contains(#""permissionDecision":"deny""#), result.stdout)
                }
                func log(_ station: Workstation) -> String {
                    (try? String(contentsOf: station.log, encoding: .utf8)) ?? ""
                }

                // Each hook meets its repository once; the run fetches its policy by itself.
                _ = try hook(pat, in: sandbox)
                _ = try hook(cora, in: infra)
                try await HangGuard.until("both runs to fetch their repository's policy") {
                    pat.revision("acme/sandbox") != nil && cora.revision("acme/infra") != nil
                }
                let first = try #require(pat.revision("acme/sandbox"))
                #expect(try hook(pat, in: sandbox).refused == false, "\(log(pat))")
                #expect(try hook(cora, in: infra).refused == true, "\(log(cora))")

                // The runs send the events, with the repositories' slugs.
                try await HangGuard.until("the events of both hosts to be stored with their slugs") {
                    let rows = try await client.query(
                        "SELECT username || ' ' || coalesce(repo, '') FROM audit_events WHERE surface = 'risky_shell'")
                    var seen: Set<String> = []
                    for try await row in rows.decode(String.self) { seen.insert(row) }
                    return seen.isSuperset(of: ["pat acme/sandbox", "cora acme/infra"])
                }

                // A publish that freezes the pilot reaches pat's hook without a manual step.
                let frozen = folder.appendingPathComponent("policy")
                try FileManager.default.copyItem(
                    at: TestServers.repositoryRoot.appending(path: "examples/policy"), to: frozen)
                let assignments = frozen.appendingPathComponent("assignments.yaml")
                try
                    (try String(contentsOf: assignments, encoding: .utf8)
                        + """
                          - id: freeze-pilot
                            priority: 999
                            selector:
                              groups: [ai-pilot]
                            overrides:
                              risky_shell: block
                        """).write(to: assignments, atomically: true, encoding: .utf8)
                _ = try ringfence.run(["apply", "-f", frozen.path, "--yes", "--comment", "freeze"])
                try await HangGuard.until("pat's run to fetch the published revision") {
                    (pat.revision("acme/sandbox") ?? 0) > first
                }
                #expect(try hook(pat, in: sandbox).refused == true, "\(log(pat))")

                // The rollback, too.
                let published = try #require(pat.revision("acme/sandbox"))
                _ = try ringfence.run(["rollback", "--to", "\(first)", "--yes"])
                try await HangGuard.until("pat's run to fetch the rollback") {
                    (pat.revision("acme/sandbox") ?? 0) > published
                }
                #expect(try hook(pat, in: sandbox).refused == false, "\(log(pat))")

                // Keys: at least three rotations, and the host kept working after the last.
                let host = try #require(UUID(uuidString: pat.hostID))
                try await HangGuard.until("three key rotations and a heartbeat with the newest key") {
                    let rows = try await client.query(
                        """
                        SELECT count(*)::int, coalesce(max(k.created_at) < max(h.last_heartbeat_at), false)
                        FROM api_keys k JOIN hosts h ON h.id = k.host_id WHERE k.host_id = \(host)
                        """)
                    for try await (keys, usedAfter) in rows.decode((Int, Bool).self) { return keys >= 4 && usedAfter }
                    return false
                }
                #expect(!log(pat).contains("PERMISSION_DENIED") && !log(pat).contains("unauthenticated"), "\(log(pat))")
                // The server stops gracefully although both runs hold a WatchPolicy stream.
                kill(served.server.processIdentifier, SIGTERM)
                try await HangGuard.until("ringfence serve to stop on SIGTERM") { !served.server.isRunning }
                #expect(served.server.terminationStatus == 0)
                #expect(pat.stop() == 0, "a graceful stop on SIGTERM: \(log(pat))")
                #expect(cora.stop() == 0, "\(log(cora))")
            }
        }
    }
}
