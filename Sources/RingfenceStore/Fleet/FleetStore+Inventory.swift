import Foundation
import Logging
import PostgresNIO
import RingfenceCore

/// A host's inventory as its last heartbeat left it, for `ringfence hosts show` and the
/// console: the host's facts, its agents (by kind), MCP servers (by agent and name) and
/// repositories (by slug). Managed files are not part of it (drift keeps its own tables).
extension FleetStore {
    /// The stored inventory of a host; nil for a host that is not enrolled.
    public func inventory(hostID: UUID) async throws -> HostInventory? {
        let hostRows = try await client.query(
            """
            SELECT hostname, coalesce(os, ''), coalesce(os_version, ''), coalesce(installer_version, ''),
                coalesce(provider, ''), users
            FROM hosts WHERE id = \(hostID)
            """, logger: logger)
        var inventory: HostInventory?
        for try await (hostname, os, osVersion, installer, provider, users) in hostRows.decode(
            (String, String, String, String, String, [String]).self)
        {
            inventory = HostInventory(
                hostname: hostname, os: os, osVersion: osVersion, installerVersion: installer, provider: provider,
                users: users)
        }
        guard var inventory else { return nil }
        let agentRows = try await client.query(
            """
            SELECT kind, version, hook_state, coalesce(hook_version, ''), coalesce(managed_config_hash, ''),
                coalesce(provider, '')
            FROM host_agents WHERE host_id = \(hostID) ORDER BY kind
            """, logger: logger)
        for try await (kind, version, state, hookVersion, hash, provider) in agentRows.decode(
            (String, String, String, String, String, String).self)
        {
            inventory.agents.append(
                HostInventory.Agent(
                    kind: kind, version: version, hookState: state, hookVersion: hookVersion, managedConfigHash: hash,
                    provider: provider))
        }
        let serverRows = try await client.query(
            """
            SELECT agent_kind, name, transport, endpoint, scope FROM host_mcp_servers
            WHERE host_id = \(hostID) ORDER BY agent_kind, name
            """, logger: logger)
        for try await (agent, name, transport, endpoint, scope) in serverRows.decode(
            (String, String, String, String, String).self)
        {
            inventory.mcpServers.append(
                HostInventory.MCPServer(
                    agentKind: agent, name: name, transport: transport, endpoint: endpoint, scope: scope))
        }
        let repoRows = try await client.query(
            """
            SELECT repos.slug, coalesce(repos.remote_url, ''), repos.managed, host_repos.last_seen
            FROM host_repos JOIN repos ON repos.id = host_repos.repo_id
            WHERE host_repos.host_id = \(hostID) ORDER BY repos.slug
            """, logger: logger)
        for try await (slug, remote, managed, lastSeen) in repoRows.decode((String, String, Bool, Date).self) {
            inventory.repos.append(
                HostInventory.Repo(slug: slug, remoteURL: remote, managed: managed, lastSeen: lastSeen))
        }
        return inventory
    }
}
