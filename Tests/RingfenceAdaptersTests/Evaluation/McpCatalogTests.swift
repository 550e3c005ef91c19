import Foundation
import RingfenceCore
import Testing

@testable import RingfenceAdapters

/// The approved MCP server catalogue at the hook and in the native allowlists.
@Suite("MCP catalogue")
struct McpCatalogTests {
    static let catalog = [
        ApprovedMcpServer(name: "github", url: "https://api.githubcopilot.com/mcp/*"),
        ApprovedMcpServer(name: "db", command: ["npx", "-y", "@acme/db-mcp"]),
    ]

    static var policy: AgentPolicy {
        var policy = SamplePolicy.policy
        policy.surfaces.append(
            .init(
                surface: .unapprovedMcpServer, level: .block, uncappedLevel: .block,
                rules: [SamplePolicy.rule("mcp-governance", "MCP-0", ["*"], .block, "An MCP server not approved.")]))
        return AgentPolicy(
            user: policy.user, ring: policy.ring, revision: policy.revision, etag: policy.etag,
            surfaces: policy.surfaces, mcpServers: catalog)
    }

    @Test("calls to servers the catalogue lists pass; others, and servers without a name, are unapproved")
    func decisions() {
        let evaluator = ActionEvaluator(policy: Self.policy, home: "/home/dev")
        #expect(evaluator.decide(.mcpTool(server: "github", tool: "create_issue")).verdict == .pass)
        #expect(evaluator.decide(.mcpTool(server: "GitHub", tool: "create_issue")).verdict == .pass)
        let shady = evaluator.decide(.mcpTool(server: "shady", tool: "run"))
        #expect(shady.verdict == .block && shady.match?.rule.id == "MCP-0" && shady.surface == .unapprovedMcpServer)
        #expect(evaluator.decide(.mcpTool(server: "", tool: "run")).verdict == .block)
        // An approved server's tool is still subject to mcp_tool rules.
        #expect(evaluator.decide(.mcpTool(server: "github", tool: "delete_repo")).match?.rule.id == "MCP-1")
    }

    @Test("Cursor names the server by its command or URL; the catalogue gives it its name")
    func cursorIdentity() throws {
        let input = try Fixtures.data("hooks/cursor/mcp-drop-database.json")
        let invocation = try HookInvocation(agent: .cursor, json: input)
        #expect(invocation.mcpServerIdentity?.command == ["npx", "-y", "@acme/db-mcp"])
        let run = HookRun(
            invocation: invocation, policy: .available(Self.policy), failClosed: [], home: "/home/alice",
            user: "alice", eventID: "e", now: 0)
        #expect(run.event?.summary == "mcp: db.drop_database", "named from the catalogue")
        #expect(run.event?.ruleID == "MCP-1", "not unapproved; its tool rule decides")
        var unknown = Self.policy
        unknown.mcpServers = []
        let unnamed = HookRun(
            invocation: invocation, policy: .available(unknown), failClosed: [], home: "/home/alice", user: "alice",
            eventID: "e", now: 0)
        #expect(unnamed.event?.ruleID == "MCP-0" && unnamed.event?.verdict == .block)
    }

    @Test("Claude Code and Copilot: every unapproved server blocked renders the catalogue as the allowlist")
    func allowlist() throws {
        let claude = ClaudeCodeAdapter.render(Self.policy, options: AdapterOptions())
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(claude.files[0].content.utf8)) as? [String: Any])
        let allowed = try #require(object["allowedMcpServers"] as? [[String: Any]])
        #expect(allowed.count == 2)
        #expect(allowed.contains { ($0["serverUrl"] as? String) == "https://api.githubcopilot.com/mcp/*" })
        #expect(allowed.contains { ($0["serverCommand"] as? [String]) == ["npx", "-y", "@acme/db-mcp"] })
        #expect(object["allowManagedMcpServersOnly"] as? Bool == true)
        let deny = (object["permissions"] as? [String: Any])?["deny"] as? [String] ?? []
        #expect(!deny.contains(PermissionRules.allowlistMarker))
        let copilot = CopilotAdapter.render(Self.policy, options: AdapterOptions())
        #expect(
            copilot.files.first { $0.name == "managed-settings.json" }?.content.contains("allowedMcpServers") == true)

        let gemini = GeminiCLIAdapter.render(Self.policy, options: AdapterOptions()).files[0].content
        let settings = try #require(try JSONSerialization.jsonObject(with: Data(gemini.utf8)) as? [String: Any])
        #expect((settings["mcp"] as? [String: [String]])?["allowed"] == ["github", "db"])

        // At warn there is no native allowlist: the hook asks.
        var warned = Self.policy
        let index = try #require(warned.surfaces.firstIndex { $0.surface == .unapprovedMcpServer })
        warned.surfaces[index].rules[0].level = .warn
        let open = ClaudeCodeAdapter.render(warned, options: AdapterOptions())
        #expect(!open.files[0].content.contains("allowedMcpServers"))
        #expect(open.notNative.contains { $0.surface == .unapprovedMcpServer && $0.enforcement == .hook })
    }

    @Test("the catalogue travels in the signed binary form; RFP2 files are still read")
    func binary() throws {
        let policy = Self.policy
        #expect(try AgentPolicy(binary: policy.binary) == policy)
        #expect(
            try AgentPolicy(binary: policy.binary, only: [.riskyShell]).mcpServers.isEmpty, "skipped when not needed")
        var old = policy
        old.mcpServers = []
        // An empty catalogue is two bytes at the end (length 1, count 0); RFP2 had neither.
        var bytes = old.binary
        #expect(Array(bytes.suffix(2)) == [1, 0])
        bytes.removeLast(2)
        bytes.replaceSubrange(0..<4, with: Array("RFP2".utf8))
        #expect(try AgentPolicy(binary: bytes) == old)
    }
}
