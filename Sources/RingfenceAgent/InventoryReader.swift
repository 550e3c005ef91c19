import Foundation
import RingfenceAdapters
import RingfenceCore
import RingfenceProto
import RingfenceWorkstation

/// What a heartbeat reports about the host, read from the machine each time (docs/agents.md,
/// "Inventory"):
/// - the agents found — by their user configuration (`~/.claude.json` or `~/.claude`,
///   `~/.cursor`, `~/.copilot`, `~/.codex`, `~/.gemini`, `~/.codeium/windsurf`), by an npm
///   package of theirs, or by the files the workstation installed — each with its version
///   (its npm package's manifest, else the version its hook input last named), the model
///   provider its configuration selects (`AgentProvider`), the SHA-256 of its managed files
///   as they are now and the hook's state: `installed` (every file there, as written, and
///   one calls the hook), `modified` (there, but changed since), `disabled` (Claude Code's
///   managed settings say `disableAllHooks`) or `missing`;
/// - the MCP servers of every agent's configuration files with their scope
///   (`McpConfiguration`);
/// - the repositories the hook worked in, with whether policy manages them.
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
    /// Who provisioned the host ("jamf", "intune", …), as the installer was told.
    public var provisioner: String
    public var users: [String]
    /// Where global npm packages are (`{prefix}/lib/node_modules`,
    /// docs.npmjs.com/cli/v10/configuring-npm/folders), under `systemRoot`; `~` is `home`.
    public var npmRoots: [String]

    public static let defaultNpmRoots = [
        "/usr/local/lib/node_modules", "/usr/lib/node_modules", "/opt/homebrew/lib/node_modules",
        "~/.npm-global/lib/node_modules",
    ]

    public init(
        cache: WorkstationCache, home: String, systemRoot: String = "", hostname: String, os: String,
        osVersion: String = "", installerVersion: String, provisioner: String = "", users: [String],
        npmRoots: [String] = InventoryReader.defaultNpmRoots
    ) {
        self.cache = cache
        self.home = home.hasSuffix("/") ? String(home.dropLast()) : home
        self.systemRoot = systemRoot.hasSuffix("/") ? String(systemRoot.dropLast()) : systemRoot
        self.hostname = hostname
        self.os = os
        self.osVersion = osVersion
        self.installerVersion = installerVersion
        self.provisioner = provisioner
        self.users = users
        self.npmRoots = npmRoots
    }

    /// The inventory as it is now, cut to what the wire admits (`WireLimits`).
    public func read(now: Date = Date()) -> HostInventory {
        let seenVersions = cache.agentVersions()
        // Read once: both the provider and the hook state look at them.
        let claudeManaged = claudeManagedSettings()
        var agents: [HostInventory.Agent] = []
        for kind in AgentKind.allCases {
            let install = try? cache.read(WorkstationCache.ManagedInstall.self, at: cache.managedPath(kind))
            let packaged = packageVersion(kind)
            guard install != nil || packaged != nil || isPresent(kind) else { continue }
            var agent = managedState(kind, install: install, claudeManaged: claudeManaged)
            agent.version = packaged ?? seenVersions[kind.rawValue] ?? ""
            agent.provider = provider(kind, claudeManaged: claudeManaged)
            agents.append(agent)
        }
        let repositories = cache.repositories()
        let repos = Set(repositories.cached + repositories.seen).sorted().prefix(WireLimits.repos).map { slug in
            let policy = try? cache.read(AgentPolicy.self, at: cache.policyPath(repository: slug))
            return HostInventory.Repo(
                slug: slug, remoteURL: "", managed: policy?.repository?.managed ?? false, lastSeen: now)
        }
        return HostInventory(
            hostname: hostname, os: os, osVersion: osVersion, installerVersion: installerVersion,
            provider: provisioner, users: users, agents: agents,
            mcpServers: mcpServers().prefix(WireLimits.mcpServers).map { server in
                var server = server
                server.endpoint = String(server.endpoint.utf8.prefix(WireLimits.mcpEndpoint)) ?? ""
                return server
            },
            repos: Array(repos))
    }

    // MARK: Files

    func contents(_ path: String) -> [UInt8]? { FileManager.default.contents(atPath: path).map(Array.init) }

    func expand(_ path: String) -> String { path.hasPrefix("~/") ? home + path.dropFirst() : systemRoot + path }

    /// Whether the agent's user configuration is on the machine.
    func isPresent(_ kind: AgentKind) -> Bool {
        let directories: [String]
        switch kind {
        case .claudeCode: directories = ["/.claude.json", "/.claude"]
        case .cursor: directories = ["/.cursor"]
        case .copilot: directories = ["/.copilot"]
        case .codex: directories = ["/.codex"]
        case .geminiCLI: directories = ["/.gemini"]
        case .windsurf: directories = ["/.codeium/windsurf"]
        }
        return directories.contains { FileManager.default.fileExists(atPath: home + $0) }
    }

    /// The npm package an agent is installed as, where it documents one.
    static func npmPackage(_ kind: AgentKind) -> String? {
        switch kind {
        case .claudeCode: "@anthropic-ai/claude-code"
        case .codex: "@openai/codex"
        case .geminiCLI: "@google/gemini-cli"
        case .copilot: "@github/copilot"
        case .cursor, .windsurf: nil
        }
    }

    /// The `version` of the agent's npm package manifest in the first global root that has it.
    func packageVersion(_ kind: AgentKind) -> String? {
        guard let package = Self.npmPackage(kind) else { return nil }
        for root in npmRoots {
            guard let manifest = contents(expand(root) + "/" + package + "/package.json"),
                let object = (try? JSONSerialization.jsonObject(with: Data(manifest))) as? [String: Any],
                let version = object["version"] as? String, !version.isEmpty
            else { continue }
            return String(version.utf8.prefix(WireLimits.agentVersion)) ?? ""
        }
        return nil
    }

    /// Where Claude Code's managed files are on this operating system.
    var claudeManagedDirectory: String {
        #if os(macOS)
            systemRoot + "/Library/Application Support/ClaudeCode"
        #else
            systemRoot + "/etc/claude-code"
        #endif
    }

    /// Claude Code's managed settings: `managed-settings.json`, then the drop-in fragments
    /// of `managed-settings.d` in name order.
    func claudeManagedSettings() -> [[UInt8]] {
        let fragments = claudeManagedDirectory + "/managed-settings.d"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: fragments)) ?? [])
            .filter { $0.hasSuffix(".json") }.sorted()
        return ([claudeManagedDirectory + "/managed-settings.json"] + names.map { fragments + "/" + $0 })
            .compactMap(contents)
    }

    /// Where Codex's and Gemini CLI's system files are on this operating system.
    var codexSystemDirectory: String { systemRoot + "/etc/codex" }
    var geminiSystemDirectory: String {
        #if os(macOS)
            systemRoot + "/Library/Application Support/GeminiCli"
        #else
            systemRoot + "/etc/gemini-cli"
        #endif
    }

    /// The agent's model provider; `claudeManaged` is `claudeManagedSettings()`.
    func provider(_ kind: AgentKind, claudeManaged: [[UInt8]]) -> String {
        let name: String
        switch kind {
        case .claudeCode:
            name = AgentProvider.claudeCode(
                settings: claudeManaged + [contents(home + "/.claude/settings.json")].compactMap { $0 })
        case .codex:
            name = AgentProvider.codex(
                configs: [
                    codexSystemDirectory + "/managed_config.toml", home + "/.codex/config.toml",
                    codexSystemDirectory + "/config.toml",
                ].compactMap(contents))
        case .geminiCLI:
            name = AgentProvider.geminiCLI(
                settings: [geminiSystemDirectory + "/settings.json", home + "/.gemini/settings.json"].compactMap(
                    contents))
        case .cursor, .copilot, .windsurf:
            name = ""
        }
        return String(name.utf8.prefix(WireLimits.provider)) ?? ""
    }

    /// The MCP servers of every configuration file found, managed first; one row per agent
    /// and name (the server's key), the first found winning.
    func mcpServers() -> [HostInventory.MCPServer] {
        var servers: [HostInventory.MCPServer] = []
        if let managed = contents(claudeManagedDirectory + "/managed-mcp.json") {
            servers += McpConfiguration.servers(in: managed, agent: .claudeCode, scope: .managed)
        }
        if let user = contents(home + "/.claude.json") {
            servers += McpConfiguration.servers(in: user, agent: .claudeCode, scope: .user)
            for project in McpConfiguration.claudeProjects(in: user) {
                servers += McpConfiguration.servers(
                    in: user, agent: .claudeCode, scope: .user, path: ["projects", project])
                if let shared = contents(project + "/.mcp.json") {
                    servers += McpConfiguration.servers(in: shared, agent: .claudeCode, scope: .project)
                }
            }
        }
        let jsonFiles: [(AgentKind, McpConfiguration.Scope, String)] = [
            (.cursor, .user, home + "/.cursor/mcp.json"),
            (.copilot, .user, home + "/.copilot/mcp-config.json"),
            (.geminiCLI, .managed, geminiSystemDirectory + "/settings.json"),
            (.geminiCLI, .user, home + "/.gemini/settings.json"),
            (.windsurf, .user, home + "/.codeium/windsurf/mcp_config.json"),
        ]
        for (agent, scope, path) in jsonFiles {
            if let file = contents(path) { servers += McpConfiguration.servers(in: file, agent: agent, scope: scope) }
        }
        if let codex = contents(home + "/.codex/config.toml") {
            servers += McpConfiguration.servers(inTOML: codex, agent: .codex, scope: .user)
        }
        var seen = Set<String>()
        return servers.filter { seen.insert($0.agentKind + "\u{0}" + $0.name).inserted }
    }

    // MARK: Managed files and the hook

    /// The agent's managed files as they are now and the hook's state (`claudeManaged`:
    /// `claudeManagedSettings()`).
    func managedState(_ kind: AgentKind, install: WorkstationCache.ManagedInstall?, claudeManaged: [[UInt8]])
        -> HostInventory.Agent
    {
        var agent = HostInventory.Agent(kind: kind.rawValue, version: "", hookState: "missing")
        guard let install else { return agent }
        agent.hookVersion = installerVersion
        var present = !install.files.isEmpty
        var changed = false
        var callsHook = false
        for name in install.files {
            let content = contents(install.directory + "/" + name)
            let digest = content.map(NativeFile.sha256Hex) ?? ""
            agent.managedFiles[name] = digest
            if content == nil { present = false }
            if let recorded = install.sha256?[name], content != nil, recorded != digest { changed = true }
            // Copilot's managed settings do not call the hook; its hook file does.
            if let content, String(decoding: content, as: UTF8.self).contains("--agent \(kind.rawValue)") {
                callsHook = true
            }
        }
        agent.managedConfigHash = ManagedFiles(install.files.sorted().map { ($0, agent.managedFiles[$0] ?? "") }).digest
        agent.precedenceSources = precedenceSources(kind)
        agent.hookState =
            if !present || !callsHook { "missing" } else if changed {
                "modified"
            } else if hooksDisabled(kind, claudeManaged: claudeManaged) {
                "disabled"
            } else { "installed" }
        return agent
    }

    /// Whether the agent's own managed configuration switches hooks off. Claude Code:
    /// `disableAllHooks: true` in managed settings (a user's own settings cannot disable
    /// managed hooks; code.claude.com/docs/en/hooks-guide, "Disable or remove hooks",
    /// read 2026-12-02). The other agents document no such switch for managed hooks.
    func hooksDisabled(_ kind: AgentKind, claudeManaged: [[UInt8]]) -> Bool {
        guard kind == .claudeCode else { return false }
        return claudeManaged.contains { file in
            let object = (try? JSONSerialization.jsonObject(with: Data(file))) as? [String: Any]
            return object?["disableAllHooks"] as? Bool == true
        }
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
