import Foundation
import Testing

@testable import RingfenceAdapters

/// MCP servers read out of Claude Code's and Cursor's configuration files.
@Suite("MCP configuration files")
struct McpConfigurationTests {
    static let claude = Array(
        #"""
        {
          "numStartups": 12,
          "mcpServers": {
            "github": { "type": "http", "url": "https://user:pw@api.githubcopilot.com/mcp/?token=abc#x" },
            "fs": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/home/alice"],
                    "env": { "SECRET": "never-read" } }
          },
          "projects": {
            "/home/alice/api": {
              "mcpServers": {
                "db": { "type": "stdio", "command": "pg-mcp", "args": ["--token", "s3cr3t", "--api-key=xyz", "--db", "app"] },
                "events": { "type": "sse", "url": "http://localhost:9000/sse" }
              }
            },
            "/home/alice/empty": {}
          }
        }
        """#.utf8)

    @Test("user scope at the top, local scope under projects; transport from type, url or command")
    func claude() {
        let user = McpConfiguration.servers(in: Self.claude, agent: .claudeCode, scope: .user)
        #expect(
            user == [
                McpServerEntry(
                    agent: .claudeCode, name: "fs", transport: "stdio",
                    endpoint: "npx -y @modelcontextprotocol/server-filesystem /home/alice", scope: .user),
                McpServerEntry(
                    agent: .claudeCode, name: "github", transport: "http",
                    endpoint: "https://api.githubcopilot.com/mcp/", scope: .user),
            ])
        let local = McpConfiguration.servers(
            in: Self.claude, agent: .claudeCode, scope: .user, path: ["projects", "/home/alice/api"])
        #expect(local.map(\.name) == ["db", "events"])
        #expect(local.map(\.transport) == ["stdio", "sse"])
        #expect(McpConfiguration.claudeProjects(in: Self.claude) == ["/home/alice/api", "/home/alice/empty"])
        #expect(
            McpConfiguration.servers(
                in: Self.claude, agent: .claudeCode, scope: .user, path: ["projects", "/home/alice/empty"]
            ).isEmpty)
    }

    @Test("secrets never reach the endpoint: flagged arguments, key=value arguments, URL user, query and fragment")
    func redaction() {
        let local = McpConfiguration.servers(
            in: Self.claude, agent: .claudeCode, scope: .user, path: ["projects", "/home/alice/api"])
        let endpoint = local.first?.endpoint ?? ""
        #expect(endpoint == "pg-mcp --token *** --api-key=*** --db app")
        #expect(!endpoint.contains("s3cr3t") && !endpoint.contains("xyz"))
        let all = McpConfiguration.servers(in: Self.claude, agent: .claudeCode, scope: .user).map(\.endpoint)
        #expect(!all.joined().contains("pw@") && !all.joined().contains("abc") && !all.joined().contains("never-read"))
    }

    @Test("Cursor's mcp.json; files that are not JSON, or hold no servers, give none")
    func cursorAndBadFiles() {
        let cursor = Array(
            #"{"mcpServers":{"browser":{"command":"npx","args":["@playwright/mcp"]},"docs":{"url":"https://docs.example.com/mcp"},"broken":{"args":["x"]}}}"#
                .utf8)
        let servers = McpConfiguration.servers(in: cursor, agent: .cursor, scope: .project)
        #expect(servers.map(\.name) == ["browser", "docs"], "an entry with neither command nor url is skipped")
        #expect(servers.allSatisfy { $0.agent == .cursor && $0.scope == .project })
        for bad in ["", "not json", "[]", #"{"mcpServers": 3}"#, #"{"other": {}}"#] {
            #expect(McpConfiguration.servers(in: Array(bad.utf8), agent: .cursor, scope: .user).isEmpty, "\(bad)")
        }
    }
}
