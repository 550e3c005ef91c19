import Foundation
import RingfenceCore
import SwiftProtobuf

extension Ringfence_V1_Inventory {
    /// The host's inventory as the store keeps it, every field checked against
    /// `WireLimits`. Agent kinds are lower-cased; a repository without `last_seen` was
    /// seen `now`.
    public func validated(now: Date) throws(WireError) -> HostInventory {
        try WireText.check(hostname, "inventory.hostname", limit: WireLimits.hostname, required: true)
        try WireText.check(os, "inventory.os", limit: WireLimits.os)
        try WireText.check(osVersion, "inventory.os_version", limit: WireLimits.osVersion)
        try WireText.check(installerVersion, "inventory.installer_version", limit: WireLimits.installerVersion)
        try WireText.check(provider, "inventory.provider", limit: WireLimits.provider)
        try WireText.checkCount(users.count, "inventory.users", limit: WireLimits.users)
        try WireText.checkCount(agents.count, "inventory.agents", limit: WireLimits.agents)
        try WireText.checkCount(mcpServers.count, "inventory.mcp_servers", limit: WireLimits.mcpServers)
        try WireText.checkCount(repos.count, "inventory.repos", limit: WireLimits.repos)
        for user in users { try WireText.check(user, "inventory.users", limit: WireLimits.userName, required: true) }
        var agentList: [HostInventory.Agent] = []
        for agent in agents { agentList.append(try agent.validated()) }
        var servers: [HostInventory.MCPServer] = []
        for server in mcpServers { servers.append(try server.validated()) }
        var repoList: [HostInventory.Repo] = []
        for repo in repos { repoList.append(try repo.validated(now: now)) }
        return HostInventory(
            hostname: hostname, os: os, osVersion: osVersion, installerVersion: installerVersion,
            provider: provider, users: users, agents: agentList, mcpServers: servers, repos: repoList)
    }
}

extension Ringfence_V1_AgentInstall {
    func validated() throws(WireError) -> HostInventory.Agent {
        try WireText.check(kind, "inventory.agents.kind", limit: WireLimits.agentKind, required: true)
        try WireText.check(version, "inventory.agents.version", limit: WireLimits.agentVersion)
        try WireText.check(hookVersion, "inventory.agents.hook_version", limit: WireLimits.hookVersion)
        try WireText.check(managedConfigHash, "inventory.agents.managed_config_hash", limit: WireLimits.digest)
        try WireText.checkCount(
            managedFiles.count, "inventory.agents.managed_files", limit: WireLimits.managedFilesPerAgent)
        var files: [String: String] = [:]
        for file in managedFiles {
            try WireText.check(
                file.name, "inventory.agents.managed_files.name", limit: WireLimits.managedFileName, required: true)
            try WireText.check(file.sha256, "inventory.agents.managed_files.sha256", limit: WireLimits.digest)
            files[file.name] = file.sha256
        }
        try WireText.checkCount(
            precedenceSources.count, "inventory.agents.precedence_sources", limit: WireLimits.precedenceSources)
        for source in precedenceSources {
            try WireText.check(
                source, "inventory.agents.precedence_sources", limit: WireLimits.precedenceSource, required: true)
        }
        try WireText.check(provider, "inventory.agents.provider", limit: WireLimits.provider)
        return HostInventory.Agent(
            kind: kind.lowercased(), version: version, hookState: hookState.name, hookVersion: hookVersion,
            managedConfigHash: managedConfigHash, managedFiles: files, precedenceSources: precedenceSources,
            provider: provider)
    }
}

extension Ringfence_V1_McpServer {
    func validated() throws(WireError) -> HostInventory.MCPServer {
        try WireText.check(name, "inventory.mcp_servers.name", limit: WireLimits.mcpServerName, required: true)
        try WireText.check(agentKind, "inventory.mcp_servers.agent_kind", limit: WireLimits.agentKind)
        try WireText.check(transport, "inventory.mcp_servers.transport", limit: WireLimits.mcpTransport)
        try WireText.check(endpoint, "inventory.mcp_servers.endpoint", limit: WireLimits.mcpEndpoint)
        try WireText.check(scope, "inventory.mcp_servers.scope", limit: WireLimits.mcpScope)
        return .init(
            agentKind: agentKind.lowercased(), name: name, transport: transport, endpoint: endpoint, scope: scope)
    }
}

extension Ringfence_V1_RepoSeen {
    func validated(now: Date) throws(WireError) -> HostInventory.Repo {
        try WireText.check(slug, "inventory.repos.slug", limit: WireLimits.repoSlug, required: true)
        try WireText.check(remoteURL, "inventory.repos.remote_url", limit: WireLimits.remoteURL)
        return .init(slug: slug, remoteURL: remoteURL, managed: managed, lastSeen: hasLastSeen ? lastSeen.date : now)
    }
}

extension Ringfence_V1_HookState {
    /// The state's name as stored (`installed`, `missing`, …; `unknown` when not reported
    /// or not known to this server).
    public var name: String {
        switch self {
        case .installed: "installed"
        case .missing: "missing"
        case .disabled: "disabled"
        case .outdated: "outdated"
        case .error: "error"
        case .modified: "modified"
        case .unspecified, .UNRECOGNIZED: "unknown"
        }
    }
}
