import Foundation
import PostgresNIO
import RingfenceTestSupport
import Testing

/// A heartbeat reports what the machine holds: a fixture home directory (and system
/// folder) with Claude Code's and Cursor's configuration, read by `workstation heartbeat`
/// and compared with the rows the server stored, agent by agent.
@Suite(
    "workstation inventory", .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct WorkstationInventoryTests {
    /// Writes the fixture: returns (home, system root).
    static func fixture(in folder: URL) throws -> (home: String, system: String) {
        let home = folder.appendingPathComponent("home/bob").path
        let system = folder.appendingPathComponent("system").path
        let project = home + "/src/api"
        for directory in [home + "/.cursor", project, system + "/etc/claude-code"] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        func write(_ path: String, _ text: String) throws {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        try write(
            home + "/.claude.json",
            """
            {"mcpServers": {"github": {"type": "http", "url": "https://api.githubcopilot.com/mcp/"}},
             "projects": {"\(project)": {"mcpServers": {"db": {"command": "pg-mcp", "args": ["--token", "t0k3n"]}}}}}
            """)
        try write(
            project + "/.mcp.json", #"{"mcpServers": {"jira": {"type": "sse", "url": "https://jira.example.com/sse"}}}"#
        )
        try write(
            system + "/etc/claude-code/managed-mcp.json",
            #"{"mcpServers": {"github": {"type": "http", "url": "https://mcp.internal.example.com/github"}}}"#)
        try write(
            home + "/.cursor/mcp.json", #"{"mcpServers": {"browser": {"command": "npx", "args": ["@playwright/mcp"]}}}"#
        )
        return (home, system)
    }

    @Test("agents and MCP servers stored equal the fixture home directory, agent by agent")
    func inventory() async throws {
        try await TestServers.withMigratedDatabase { client, database in
            try await GitTool.withAsyncFolder { folder in
                let (home, system) = try Self.fixture(in: folder)
                let served = try await ExamplePolicyServer.start(client: client, database: database, folder: folder)
                defer { served.stop() }
                let cache = folder.appendingPathComponent("cache").path
                let common = served.workstationOptions(cache: cache)
                let ringfence = served.ringfence
                _ = try ringfence.run(
                    ["workstation", "enrol", "--token", served.token, "--machine-id", "ws-inv"] + common)
                // Claude Code's files installed by the workstation; Cursor only configured by the user.
                _ = try ringfence.run(
                    ["workstation", "fetch", "--agent", "claude-code", "--install-dir", folder.path + "/etc"] + common)
                let sent = try ringfence.run(
                    ["workstation", "heartbeat", "--home", home, "--system-root", system, "--users", "bob"] + common)
                #expect(sent.contains("2 agent(s), 4 MCP server(s)"), "\(sent)")

                let agents = try await client.query("SELECT kind, hook_state FROM host_agents ORDER BY kind")
                var agentRows: [String] = []
                for try await (kind, state) in agents.decode((String, String).self) {
                    agentRows.append("\(kind) \(state)")
                }
                #expect(agentRows == ["claude-code installed", "cursor missing"])

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
                        "claude-code db stdio pg-mcp --token *** user",
                        "claude-code github http https://mcp.internal.example.com/github managed",
                        "claude-code jira sse https://jira.example.com/sse project",
                        "cursor browser stdio npx @playwright/mcp user",
                    ], "the managed github wins over the user's of the same name")
            }
        }
    }
}
