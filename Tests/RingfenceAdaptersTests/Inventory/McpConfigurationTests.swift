import Foundation
import RingfenceCore
import Testing

@testable import RingfenceAdapters

/// MCP servers read out of each agent's configuration files.
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
                HostInventory.MCPServer(
                    agentKind: "claude-code", name: "fs", transport: "stdio",
                    endpoint: "npx -y @modelcontextprotocol/server-filesystem /home/alice", scope: "user"),
                HostInventory.MCPServer(
                    agentKind: "claude-code", name: "github", transport: "http",
                    endpoint: "https://api.githubcopilot.com/mcp/", scope: "user"),
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
        #expect(servers.allSatisfy { $0.agentKind == "cursor" && $0.scope == "project" })
        for bad in ["", "not json", "[]", #"{"mcpServers": 3}"#, #"{"other": {}}"#] {
            #expect(McpConfiguration.servers(in: Array(bad.utf8), agent: .cursor, scope: .user).isEmpty, "\(bad)")
        }
    }

    @Test("Copilot's mcp-config.json: type local is stdio, http and sse remote")
    func copilot() {
        let file = Array(
            #"""
            {"mcpServers": {
              "github": {"type": "http", "url": "https://api.githubcopilot.com/mcp/", "headers": {"Authorization": "Bearer x"}},
              "playwright": {"type": "local", "command": "npx", "args": ["@playwright/mcp@latest"], "tools": ["*"]},
              "feed": {"type": "sse", "url": "https://feed.example.com/sse"}
            }}
            """#.utf8)
        let servers = McpConfiguration.servers(in: file, agent: .copilot, scope: .user)
        #expect(servers.map(\.name) == ["feed", "github", "playwright"])
        #expect(servers.map(\.transport) == ["sse", "http", "stdio"])
        #expect(servers[2].endpoint == "npx @playwright/mcp@latest")
        #expect(!servers.map(\.endpoint).joined().contains("Bearer"))
    }

    @Test("Gemini CLI: httpUrl is streamable HTTP, url is SSE, command is stdio")
    func gemini() {
        let file = Array(
            #"""
            {"security": {"auth": {"selectedType": "vertex-ai"}},
             "mcpServers": {
               "api": {"httpUrl": "https://api.example.com/mcp", "headers": {"Authorization": "t"}},
               "events": {"url": "http://localhost:8080/sse"},
               "py": {"command": "python", "args": ["-m", "tools"], "cwd": "./srv", "trust": false}
            }}
            """#.utf8)
        let servers = McpConfiguration.servers(in: file, agent: .geminiCLI, scope: .managed)
        #expect(servers.map(\.transport) == ["http", "sse", "stdio"])
        #expect(servers.allSatisfy { $0.scope == "managed" && $0.agentKind == "gemini-cli" })
    }

    @Test("Windsurf: serverUrl (or url) for a remote server")
    func windsurf() {
        let file = Array(
            #"{"mcpServers":{"zapier":{"serverUrl":"https://actions.zapier.com/mcp/AbC123def456GHI789/sse?k=1"},"gh":{"command":"docker","args":["run","-i","ghcr.io/github/github-mcp-server"]}}}"#
                .utf8)
        let servers = McpConfiguration.servers(in: file, agent: .windsurf, scope: .user)
        #expect(servers.map(\.name) == ["gh", "zapier"])
        #expect(
            servers[1].transport == "http" && servers[1].endpoint == "https://actions.zapier.com/mcp/***/sse",
            "a key in the path is hidden")
        #expect(
            McpConfiguration.redactedURL("https://mcp.example.com/v1/tools/sse")
                == "https://mcp.example.com/v1/tools/sse")
    }

    @Test("Codex: [mcp_servers.<name>] tables in config.toml, inline or dotted")
    func codex() {
        let file = Array(
            #"""
            model = "gpt-5.4"
            model_provider = "azure"

            [mcp_servers.context7]
            command = "npx"
            args = ["-y", "@upstash/context7-mcp"]
            env = { API_KEY = "never-read" }

            [mcp_servers.figma]
            url = "https://mcp.figma.com/mcp"
            bearer_token_env_var = "FIGMA_OAUTH_TOKEN"
            enabled = false

            [mcp_servers]
            inline = { command = "uvx", args = ["srv", "--token", "t0k"] }
            """#.utf8)
        let servers = McpConfiguration.servers(inTOML: file, agent: .codex, scope: .user)
        #expect(servers.map(\.name) == ["context7", "figma", "inline"])
        #expect(servers.map(\.transport) == ["stdio", "http", "stdio"])
        #expect(servers[2].endpoint == "uvx srv --token ***")
        #expect(McpConfiguration.servers(inTOML: Array("model = ".utf8), agent: .codex, scope: .user).isEmpty)
    }
}
