import Foundation
import RingfenceCore
import RingfenceProto
import Testing

@Suite("Inventory validation: every text and list field has its limit")
struct InventoryValidationTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// A field of the inventory, how to set it to a text, and its limit in bytes.
    struct TextField: Sendable, CustomTestStringConvertible {
        var path: String
        var limit: Int
        var set: @Sendable (inout Ringfence_V1_Inventory, String) -> Void
        var testDescription: String { path }
    }

    static let textFields: [TextField] = [
        TextField(path: "inventory.hostname", limit: WireLimits.hostname) { $0.hostname = $1 },
        TextField(path: "inventory.os", limit: WireLimits.os) { $0.os = $1 },
        TextField(path: "inventory.os_version", limit: WireLimits.osVersion) { $0.osVersion = $1 },
        TextField(path: "inventory.installer_version", limit: WireLimits.installerVersion) { $0.installerVersion = $1 },
        TextField(path: "inventory.provider", limit: WireLimits.provider) { $0.provider = $1 },
        TextField(path: "inventory.users", limit: WireLimits.userName) { $0.users = [$1] },
        TextField(path: "inventory.agents.kind", limit: WireLimits.agentKind) { $0.agents[0].kind = $1 },
        TextField(path: "inventory.agents.version", limit: WireLimits.agentVersion) { $0.agents[0].version = $1 },
        TextField(path: "inventory.agents.hook_version", limit: WireLimits.hookVersion) {
            $0.agents[0].hookVersion = $1
        },
        TextField(path: "inventory.agents.provider", limit: WireLimits.provider) { $0.agents[0].provider = $1 },
        TextField(path: "inventory.agents.managed_config_hash", limit: WireLimits.digest) {
            $0.agents[0].managedConfigHash = $1
        },
        TextField(path: "inventory.agents.managed_files.name", limit: WireLimits.managedFileName) {
            $0.agents[0].managedFiles[0].name = $1
        },
        TextField(path: "inventory.agents.managed_files.sha256", limit: WireLimits.digest) {
            $0.agents[0].managedFiles[0].sha256 = $1
        },
        TextField(path: "inventory.mcp_servers.name", limit: WireLimits.mcpServerName) { $0.mcpServers[0].name = $1 },
        TextField(path: "inventory.mcp_servers.agent_kind", limit: WireLimits.agentKind) {
            $0.mcpServers[0].agentKind = $1
        },
        TextField(path: "inventory.mcp_servers.transport", limit: WireLimits.mcpTransport) {
            $0.mcpServers[0].transport = $1
        },
        TextField(path: "inventory.mcp_servers.endpoint", limit: WireLimits.mcpEndpoint) {
            $0.mcpServers[0].endpoint = $1
        },
        TextField(path: "inventory.mcp_servers.scope", limit: WireLimits.mcpScope) { $0.mcpServers[0].scope = $1 },
        TextField(path: "inventory.repos.slug", limit: WireLimits.repoSlug) { $0.repos[0].slug = $1 },
        TextField(path: "inventory.repos.remote_url", limit: WireLimits.remoteURL) { $0.repos[0].remoteURL = $1 },
    ]

    /// An inventory with one entry in every list, each field set.
    static func sample() -> Ringfence_V1_Inventory {
        var inventory = Ringfence_V1_Inventory()
        inventory.hostname = "dev-1.example.com"
        inventory.os = "linux"
        inventory.users = ["alice"]
        var agent = Ringfence_V1_AgentInstall()
        agent.kind = "Claude-Code"
        agent.version = "2.0.1"
        agent.hookState = .installed
        var file = Ringfence_V1_ManagedFile()
        file.name = "managed-settings.json"
        file.sha256 = String(repeating: "a", count: 64)
        agent.managedFiles = [file]
        inventory.agents = [agent]
        var server = Ringfence_V1_McpServer()
        server.name = "github"
        server.agentKind = "claude-code"
        server.transport = "http"
        server.endpoint = "https://mcp.example.com"
        server.scope = "user"
        inventory.mcpServers = [server]
        var repo = Ringfence_V1_RepoSeen()
        repo.slug = "payments/api"
        repo.remoteURL = "git@example.com:payments/api.git"
        inventory.repos = [repo]
        return inventory
    }

    @Test("a field at its limit is accepted", arguments: textFields)
    func atLimit(field: TextField) throws {
        var inventory = Self.sample()
        field.set(&inventory, String(repeating: "a", count: field.limit))
        _ = try inventory.validated(now: now)
    }

    @Test("a field one byte over its limit is refused, naming the field and the limit", arguments: textFields)
    func overLimit(field: TextField) {
        var inventory = Self.sample()
        // A multi-byte character counts in bytes: limit - 1 ASCII bytes + "é" (2 bytes) = limit + 1.
        field.set(&inventory, String(repeating: "a", count: field.limit - 1) + "é")
        #expect(throws: WireError(field: field.path, problem: "is longer than \(field.limit) bytes")) {
            try inventory.validated(now: now)
        }
    }

    @Test("a NUL character is refused in every field", arguments: textFields)
    func nul(field: TextField) {
        var inventory = Self.sample()
        field.set(&inventory, "a\u{0}b")
        #expect(throws: WireError(field: field.path, problem: "contains a NUL character")) {
            try inventory.validated(now: now)
        }
    }

    @Test("the reported 100,000-character hostname and 900,000-character MCP endpoint are refused")
    func reportedCases() {
        var inventory = Self.sample()
        inventory.hostname = String(repeating: "h", count: 100_000)
        #expect(throws: WireError.self) { try inventory.validated(now: now) }
        inventory = Self.sample()
        inventory.mcpServers[0].endpoint = String(repeating: "e", count: 900_000)
        #expect(throws: WireError(field: "inventory.mcp_servers.endpoint", problem: "is longer than 2048 bytes")) {
            try inventory.validated(now: now)
        }
    }

    @Test("lists over their limit are refused with their size")
    func listLimits() {
        var inventory = Self.sample()
        inventory.users = Array(repeating: "u", count: WireLimits.users + 1)
        #expect(throws: WireError(field: "inventory.users", problem: "has 257 entries; at most 256 are accepted")) {
            try inventory.validated(now: now)
        }
        inventory = Self.sample()
        inventory.agents = Array(repeating: inventory.agents[0], count: WireLimits.agents + 1)
        #expect(throws: WireError.self) { try inventory.validated(now: now) }
        inventory = Self.sample()
        inventory.agents[0].managedFiles = Array(
            repeating: inventory.agents[0].managedFiles[0], count: WireLimits.managedFilesPerAgent + 1)
        #expect(throws: WireError.self) { try inventory.validated(now: now) }
        inventory = Self.sample()
        inventory.mcpServers = Array(repeating: inventory.mcpServers[0], count: WireLimits.mcpServers + 1)
        #expect(throws: WireError.self) { try inventory.validated(now: now) }
        inventory = Self.sample()
        inventory.repos = Array(repeating: inventory.repos[0], count: WireLimits.repos + 1)
        #expect(throws: WireError.self) { try inventory.validated(now: now) }
    }

    @Test("required fields: hostname, agent kind, MCP server name, repository slug, managed file name")
    func required() {
        let cases: [(String, @Sendable (inout Ringfence_V1_Inventory) -> Void)] = [
            ("inventory.hostname", { $0.hostname = "" }),
            ("inventory.agents.kind", { $0.agents[0].kind = "" }),
            ("inventory.mcp_servers.name", { $0.mcpServers[0].name = "" }),
            ("inventory.repos.slug", { $0.repos[0].slug = "" }),
            ("inventory.agents.managed_files.name", { $0.agents[0].managedFiles[0].name = "" }),
        ]
        for (path, clear) in cases {
            var inventory = Self.sample()
            clear(&inventory)
            #expect(throws: WireError(field: path, problem: "is empty")) { try inventory.validated(now: now) }
        }
    }

    @Test("mapping: kinds lower-cased, hook state named, files by name, a repository without last_seen seen now")
    func mapping() throws {
        var wire = Self.sample()
        wire.agents[0].hookState = .UNRECOGNIZED(42)
        let inventory = try wire.validated(now: now)
        #expect(
            inventory.agents == [
                HostInventory.Agent(
                    kind: "claude-code", version: "2.0.1", hookState: "unknown",
                    managedFiles: ["managed-settings.json": String(repeating: "a", count: 64)])
            ])
        #expect(
            inventory.repos == [
                HostInventory.Repo(
                    slug: "payments/api", remoteURL: "git@example.com:payments/api.git", managed: false,
                    lastSeen: now)
            ])
        #expect(inventory.mcpServers.first?.endpoint == "https://mcp.example.com")
        #expect(inventory.users == ["alice"])
    }
}
