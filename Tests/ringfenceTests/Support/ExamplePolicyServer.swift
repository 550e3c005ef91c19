import Foundation
import PostgresNIO
import RingfenceStore
import RingfenceTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// A real `ringfence serve` on a free loopback port for workstation tests: in the mirror
/// bob as a member of `security` (ring 4 in `examples/policy`), pat of `platform` and
/// `ai-pilot`, cora of `contractors` and `ai-pilot` (both ring 3); `examples/policy`
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
        try await seedDirectory(client)
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

    /// bob ∈ security; pat ∈ platform, ai-pilot; cora ∈ contractors, ai-pilot.
    static func seedDirectory(_ client: PostgresClient) async throws {
        for (id, user) in [(1, "bob"), (2, "pat"), (3, "cora")] {
            try await client.query(
                "INSERT INTO directory_users (id, dn, username) VALUES (\(id), \("uid=\(user),ou=people,dc=example,dc=com"), \(user))"
            )
        }
        for (id, group) in [(1, "security"), (2, "platform"), (3, "ai-pilot"), (4, "contractors")] {
            try await client.query(
                "INSERT INTO directory_groups (id, dn, name) VALUES (\(id), \("cn=\(group),ou=groups,dc=example,dc=com"), \(group))"
            )
        }
        for (user, group) in [(1, 1), (2, 2), (2, 3), (3, 4), (3, 3)] {
            try await client.query(
                "INSERT INTO effective_memberships (user_id, group_id, depth) VALUES (\(user), \(group), 0)")
        }
    }

    func stop() {
        if server.isRunning {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
    }
}
