import Foundation
import PostgresNIO
import RingfenceTestSupport
import Testing

/// A heartbeat reports what the machine holds: the fixture home directory and system
/// folder of `fixtures/workstation` (every agent's configuration in its documented place),
/// read by `workstation heartbeat` and compared with the rows the server stored, agent by
/// agent, and with what `ringfence hosts show` prints.
@Suite(
    "workstation inventory", .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct WorkstationInventoryTests {
    /// Copies `fixtures/workstation` into `folder`, `@HOME@` replaced by the copy's home:
    /// returns (home, system root).
    static func fixture(in folder: URL) throws -> (home: String, system: String) {
        let source = TestServers.repositoryRoot.appending(path: "fixtures/workstation")
        let home = folder.appending(path: "home/bob").path
        let manager = FileManager.default
        guard let files = manager.enumerator(atPath: source.path) else { throw CocoaError(.fileReadNoSuchFile) }
        for case let name as String in files {
            let from = source.appending(path: name).path
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: from, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let to = folder.appending(path: name).path
            try manager.createDirectory(
                atPath: (to as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let text = try String(contentsOfFile: from, encoding: .utf8).replacingOccurrences(of: "@HOME@", with: home)
            try text.write(toFile: to, atomically: true, encoding: .utf8)
        }
        return (home, folder.appending(path: "system").path)
    }

    @Test("agents, versions, providers, hook states and MCP servers stored equal the fixture machine, agent by agent")
    func inventory() async throws {
        try await TestServers.withMigratedDatabase { client, database in
            try await GitTool.withAsyncFolder { folder in
                let (home, system) = try Self.fixture(in: folder)
                let served = try await ExamplePolicyServer.start(client: client, database: database, folder: folder)
                defer { served.stop() }
                let cache = folder.appending(path: "cache").path
                let common = served.workstationOptions(cache: cache)
                let ringfence = served.ringfence
                _ = try ringfence.run(
                    ["workstation", "enrol", "--token", served.token, "--machine-id", "ws-inv"] + common)
                // Claude Code's and Codex's files installed by the workstation; Codex's then
                // edited by hand. The others only configured by the user.
                for agent in ["claude-code", "codex"] {
                    _ = try ringfence.run(
                        ["workstation", "fetch", "--agent", agent, "--install-dir", folder.path + "/etc/" + agent]
                            + common)
                }
                let hooks = folder.path + "/etc/codex/hooks.json"
                try (String(contentsOfFile: hooks, encoding: .utf8) + "\n\n").write(
                    toFile: hooks, atomically: true, encoding: .utf8)
                // Cursor's version is the one its hook input names, noted when events are sent.
                let input = try Data(
                    contentsOf: WorkstationFlowTests.fixtures.appending(path: "cursor/shell-git-status.json"))
                let hook = try ringfence.run(["hook", "--agent", "cursor", "--cache", cache], input: input)
                #expect(hook.status == 0, "\(hook.stderr)")
                _ = try ringfence.run(["workstation", "send"] + common)

                let sent = try ringfence.run(
                    [
                        "workstation", "heartbeat", "--home", home, "--system-root", system, "--users", "bob",
                        "--provisioned-by", "ansible",
                    ] + common)
                #expect(sent.contains("6 agent(s), 13 MCP server(s)"), "\(sent)")

                let agents = try await client.query(
                    "SELECT kind, version, hook_state, coalesce(provider, '') FROM host_agents ORDER BY kind")
                var agentRows: [String] = []
                for try await (kind, version, state, provider) in agents.decode((String, String, String, String).self) {
                    agentRows.append("\(kind) \(version) \(state) \(provider)")
                }
                #expect(
                    agentRows == [
                        "claude-code 2.1.71 installed bedrock",
                        "codex 0.149.1 modified azure",
                        "copilot 0.0.354 missing ",
                        "cursor 2.1.46 missing ",
                        "gemini-cli 0.21.0 missing vertex-ai",
                        "windsurf  missing ",
                    ])

                let servers = try await client.query(
                    "SELECT agent_kind, name, transport, endpoint, scope FROM host_mcp_servers ORDER BY agent_kind, name"
                )
                var rows: [String] = []
                for try await (agent, name, transport, endpoint, scope)
                    in servers.decode((String, String, String, String, String).self)
                {
                    rows.append("\(agent) \(name) \(transport) \(endpoint) \(scope)")
                }
                #expect(
                    rows == [
                        "claude-code db stdio pg-mcp --token *** --db api user",
                        "claude-code github http https://mcp.internal.example.com/github managed",
                        "claude-code jira sse https://jira.example.com/sse project",
                        "codex context7 stdio npx -y @upstash/context7-mcp user",
                        "codex figma http https://mcp.figma.com/mcp user",
                        "copilot playwright stdio npx @playwright/mcp@latest user",
                        "copilot sentry http https://mcp.sentry.dev/mcp user",
                        "cursor browser stdio npx @playwright/mcp user",
                        "gemini-cli bigquery stdio toolbox --prebuilt bigquery --stdio managed",
                        "gemini-cli docs http https://docs.example.com/mcp user",
                        "gemini-cli events sse http://localhost:8080/sse user",
                        "windsurf git stdio uvx mcp-server-git user",
                        "windsurf zapier http https://actions.zapier.com/mcp/***/sse user",
                    ], "the managed github wins over the user's of the same name")
                #expect(
                    !rows.joined().contains("t0k3n") && !rows.joined().contains("never-read"), "secrets are not stored")

                let hostID = try await Self.hostID(client)
                let shown = try ringfence.run(["hosts", "show", hostID])
                for line in [
                    "installer: ", "provisioned by ansible", "  codex  0.149.1  hook modified  provider azure",
                    "  windsurf  version unknown  hook missing",
                    "  gemini-cli  events  user  sse  http://localhost:8080/sse",
                ] {
                    #expect(shown.contains(line), "\(line) in\n\(shown)")
                }
            }
        }
    }

    static func hostID(_ client: PostgresClient) async throws -> String {
        for try await id in try await client.query("SELECT id FROM hosts").decode(UUID.self) {
            return id.uuidString.lowercased()
        }
        throw CocoaError(.fileReadNoSuchFile)
    }
}
