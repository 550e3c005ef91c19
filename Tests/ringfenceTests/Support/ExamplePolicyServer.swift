import Foundation
import PostgresNIO
import RingfenceStore
import RingfenceTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A real `ringfence serve` on a free loopback port for workstation tests: bob in the
/// mirror as a member of `security` (ring 4 in `examples/policy`), `examples/policy`
/// applied, and an enrolment token that binds bob to the host. `stop()` kills it.
struct ExamplePolicyServer {
    let ringfence: RingfenceExecutable
    let server: Process
    let port: Int
    let token: String
    let log: URL

    /// The `--server … --cache …` options of workstation commands.
    func workstationOptions(cache: String) -> [String] { ["--server", "127.0.0.1:\(port)", "--cache", cache] }

    static func start(
        client: PostgresClient, database: DatabaseConfiguration, folder: URL, environment: [String: String] = [:]
    ) async throws -> ExamplePolicyServer {
        let port = try freeLoopbackPort()
        let ringfence = try RingfenceExecutable(
            environment: [
                "RINGFENCE_DATABASE_URL": RingfenceExecutable.databaseURL(database),
                "RINGFENCE_LISTEN": "127.0.0.1:\(port)", "RINGFENCE_METRICS_LISTEN": "off", "HOME": "/home/bob",
                "USER": "bob",
            ].merging(environment) { $1 })
        try await client.query(
            "INSERT INTO directory_users (id, dn, username) VALUES (1, 'uid=bob,ou=people,dc=example,dc=com', 'bob')")
        try await client.query(
            "INSERT INTO directory_groups (id, dn, name) VALUES (1, 'cn=security,ou=groups,dc=example,dc=com', 'security')"
        )
        try await client.query("INSERT INTO effective_memberships (user_id, group_id, depth) VALUES (1, 1, 0)")
        try ringfence.run(["apply", "-f", TestServers.repositoryRoot.appending(path: "examples/policy").path, "--yes"])
        let token = try ringfence.run(["keys", "enrol-token", "--user", "bob"]).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let log = folder.appendingPathComponent("serve.log")
        let server = try ringfence.startServe(log: log)
        do {
            try ringfence.waitUntilServing(server, port: port, log: log)
        } catch {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
            throw error
        }
        return ExamplePolicyServer(ringfence: ringfence, server: server, port: port, token: token, log: log)
    }

    func stop() {
        if server.isRunning {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
    }
}
