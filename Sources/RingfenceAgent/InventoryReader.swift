import Foundation
import RingfenceAdapters
import RingfenceCore
import RingfenceProto
import RingfenceWorkstation

/// What a heartbeat reports about the host, read from the machine each time: the users;
/// the agents found (Claude Code by `~/.claude.json` or `~/.claude`, Cursor by `~/.cursor`, Copilot by
/// `~/.copilot`, Codex by `~/.codex`, Gemini CLI by `~/.gemini`, Windsurf by `~/.codeium/windsurf`,
/// and every agent whose files the workstation installed), for each the SHA-256 of its
/// managed files as they are now and the hook's state (installed when every file is there
/// and still calls the hook, missing otherwise); the MCP servers in the agents'
/// configuration files with their scope (`McpConfiguration`); and the repositories the
/// hook worked in with whether policy manages them.
public struct InventoryReader: Sendable {
    public var cache: WorkstationCache
    /// The user's home directory (the agents' user configuration).
    public var home: String
    /// Prefix of system paths (`/etc/claude-code/…`): "" on a real machine, a folder in tests.
    public var systemRoot: String
    public var hostname: String
    public var os: String
    public var osVersion: String
    public var installerVersion: String
    public var provider: String
    public var users: [String]

    public init(
        cache: WorkstationCache, home: String, systemRoot: String = "", hostname: String, os: String,
        osVersion: String = "", installerVersion: String, provider: String = "", users: [String]
    ) {
        self.cache = cache
        self.home = home.hasSuffix("/") ? String(home.dropLast()) : home
        self.systemRoot = systemRoot.hasSuffix("/") ? String(systemRoot.dropLast()) : systemRoot
        self.hostname = hostname
        self.os = os
        self.osVersion = osVersion
        self.installerVersion = installerVersion
        self.provider = provider
        self.users = users
    }

    /// The inventory as it is now.
    public func read() -> Ringfence_V1_Inventory {
        var inventory = Ringfence_V1_Inventory()
        inventory.hostname = hostname
        inventory.os = os
        inventory.osVersion = osVersion
        inventory.installerVersion = installerVersion
        inventory.provider = provider
        inventory.users = users
        let servers = mcpServers()
        for kind in AgentKind.allCases {
            let install = try? cache.read(WorkstationCache.ManagedInstall.self, at: cache.managedPath(kind))
            guard install != nil || isPresent(kind) else { continue }
            inventory.agents.append(agent(kind, install: install))
        }
        inventory.mcpServers = servers.prefix(WireLimits.mcpServers).map { entry in
            var server = Ringfence_V1_McpServer()
            server.name = entry.name
            server.agentKind = entry.agent.rawValue
            server.transport = entry.transport
            server.endpoint = String(entry.endpoint.utf8.prefix(WireLimits.mcpEndpoint)) ?? ""
            server.scope = entry.scope.rawValue
            return server
        }
        let repositories = cache.repositories()
        for slug in Set(repositories.cached + repositories.seen).sorted() {
            var repo = Ringfence_V1_RepoSeen()
            repo.slug = slug
            let policy = try? cache.read(AgentPolicy.self, at: cache.policyPath(repository: slug))
            repo.managed = policy?.repository?.managed ?? false
            inventory.repos.append(repo)
        }
        return inventory
    }

    /// Whether the agent's user configuration is on the machine.
    func isPresent(_ kind: AgentKind) -> Bool {
        let manager = FileManager.default
        switch kind {
        case .claudeCode:
            return manager.fileExists(atPath: home + "/.claude.json") || manager.fileExists(atPath: home + "/.claude")
        case .cursor:
            return manager.fileExists(atPath: home + "/.cursor")
        case .copilot:
            return manager.fileExists(atPath: home + "/.copilot")
        case .codex:
            return manager.fileExists(atPath: home + "/.codex")
        case .geminiCLI:
            return manager.fileExists(atPath: home + "/.gemini")
        case .windsurf:
            return manager.fileExists(atPath: home + "/.codeium/windsurf")
        }
    }

    /// Where Claude Code's managed files are on this operating system.
    var claudeManagedDirectory: String {
        #if os(macOS)
            systemRoot + "/Library/Application Support/ClaudeCode"
        #else
            systemRoot + "/etc/claude-code"
        #endif
    }

    /// The MCP servers of every configuration file found, managed first.
    func mcpServers() -> [McpServerEntry] {
        func bytes(_ path: String) -> [UInt8]? { FileManager.default.contents(atPath: path).map(Array.init) }
        var entries: [McpServerEntry] = []
        if let managed = bytes(claudeManagedDirectory + "/managed-mcp.json") {
            entries += McpConfiguration.servers(in: managed, agent: .claudeCode, scope: .managed)
        }
        if let user = bytes(home + "/.claude.json") {
            entries += McpConfiguration.servers(in: user, agent: .claudeCode, scope: .user)
            for project in McpConfiguration.claudeProjects(in: user) {
                entries += McpConfiguration.servers(
                    in: user, agent: .claudeCode, scope: .user, path: ["projects", project])
                if let shared = bytes(project + "/.mcp.json") {
                    entries += McpConfiguration.servers(in: shared, agent: .claudeCode, scope: .project)
                }
            }
        }
        if let cursor = bytes(home + "/.cursor/mcp.json") {
            entries += McpConfiguration.servers(in: cursor, agent: .cursor, scope: .user)
        }
        // One row per agent and name (the server's key): the first found wins, managed first.
        var seen = Set<String>()
        return entries.filter { seen.insert($0.agent.rawValue + "\u{0}" + $0.name).inserted }
    }

    func agent(_ kind: AgentKind, install: WorkstationCache.ManagedInstall?) -> Ringfence_V1_AgentInstall {
        var agent = Ringfence_V1_AgentInstall()
        agent.kind = kind.rawValue
        guard let install else {
            agent.hookState = .missing
            return agent
        }
        agent.hookVersion = installerVersion
        // Installed: every file is there, and one of them still calls the hook (Copilot's
        // managed settings do not; its hook file does).
        var present = !install.files.isEmpty
        var callsHook = false
        agent.managedFiles = install.files.map { name in
            var file = Ringfence_V1_ManagedFile()
            file.name = name
            let content = FileManager.default.contents(atPath: install.directory + "/" + name)
            file.sha256 = content.map { NativeFile.sha256Hex(Array($0)) } ?? ""
            if content == nil { present = false }
            if content.map({ String(decoding: $0, as: UTF8.self).contains("--agent \(kind.rawValue)") }) ?? false {
                callsHook = true
            }
            return file
        }
        agent.managedConfigHash = ManagedFiles(agent.managedFiles.map { ($0.name, $0.sha256) }).digest
        agent.hookState = present && callsHook ? .installed : .missing
        agent.precedenceSources = precedenceSources(kind)
        return agent
    }

    /// Managed sources on this host that the agent reads instead of the files Ringfence
    /// installs. Claude Code uses one managed source and ignores the others, MDM before the
    /// file (code.claude.com/docs/en/managed-settings, "How Claude Code combines managed
    /// sources", checked 2026-12-02): on macOS a preference file of the
    /// `com.anthropic.claudecode` domain in `/Library/Managed Preferences` (device-wide, or
    /// for a user) means the installed fragment may not apply. Server-managed settings are
    /// fetched by the agent and cannot be seen here.
    ///
    /// Codex applies requirements from macOS managed preferences (`com.openai.codex`)
    /// before `/etc/codex/requirements.toml`
    /// (developers.openai.com/codex/enterprise/managed-configuration, checked 2026-12-02).
    func precedenceSources(_ kind: AgentKind) -> [String] {
        let domain: String
        switch kind {
        case .claudeCode: domain = "com.anthropic.claudecode.plist"
        case .codex: domain = "com.openai.codex.plist"
        default: return []
        }
        let candidates =
            ["/Library/Managed Preferences/" + domain]
            + users.filter { !$0.isEmpty && !$0.contains("/") }.map { "/Library/Managed Preferences/\($0)/" + domain }
        return candidates.filter { FileManager.default.fileExists(atPath: systemRoot + $0) }
            .prefix(WireLimits.precedenceSources).map { $0 }
    }
}
