import Foundation
import Logging
import NIOCore
import PostgresNIO
import RingfenceCore

/// Heartbeats: a host's inventory replacing the stored one, with its changes kept.
extension FleetStore {
    public func recordHeartbeat(hostID: UUID, inventory: HostInventory, drifted: [String] = [], at now: Date = Date())
        async throws
        -> [InventoryChange]
    {
        try await client.transaction(logger: logger) { connection in
            var installer: String??
            var oldDrifted: [String] = []
            let hostRows = try await connection.query(
                "SELECT installer_version, drifted_files FROM hosts WHERE id = \(hostID) FOR UPDATE", logger: logger)
            for try await (value, drift) in hostRows.decode((String?, [String]).self) {
                installer = .some(value)
                oldDrifted = drift
            }
            guard let installer else { throw PostgresStoreError("host \(hostID) is not enrolled") }
            var oldAgents: [String: HostInventory.Agent] = [:]
            let agentRows = try await connection.query(
                """
                SELECT kind, version, hook_state, coalesce(hook_version, ''), coalesce(managed_config_hash, ''),
                    coalesce(provider, '')
                FROM host_agents WHERE host_id = \(hostID)
                """,
                logger: logger)
            for try await (kind, version, state, hookVersion, hash, provider) in agentRows.decode(
                (String, String, String, String, String, String).self)
            {
                oldAgents[kind] = .init(
                    kind: kind, version: version, hookState: state, hookVersion: hookVersion, managedConfigHash: hash,
                    provider: provider)
            }
            var newAgents: [String: HostInventory.Agent] = [:]
            for agent in inventory.agents { newAgents[agent.kind] = agent }
            var changes = InventoryChange.between(
                .init(installerVersion: installer, agents: oldAgents),
                .init(installerVersion: inventory.installerVersion, agents: newAgents))
            let drifted = drifted.sorted()
            if drifted != oldDrifted.sorted() {
                changes.append(
                    InventoryChange(
                        field: "drifted_files", oldValue: oldDrifted.sorted().joined(separator: " "),
                        newValue: drifted.joined(separator: " ")))
            }

            let users = Array(Set(inventory.users.filter { !$0.isEmpty })).sorted()
            try await connection.query(
                """
                UPDATE hosts SET hostname = \(inventory.hostname), os = coalesce(nullif(\(inventory.os), ''), os),
                    os_version = coalesce(nullif(\(inventory.osVersion), ''), os_version),
                    installer_version = coalesce(nullif(\(inventory.installerVersion), ''), installer_version),
                    provider = coalesce(nullif(\(inventory.provider), ''), provider), users = \(users), last_heartbeat_at = \(now),
                    drifted_files = \(drifted)
                WHERE id = \(hostID)
                """, logger: logger)
            if !changes.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO host_changes (host_id, at, field, old_value, new_value)
                    SELECT \(hostID), \(now), f, nullif(o, ''), nullif(n, '')
                    FROM unnest(\(changes.map(\.field)), \(changes.map { $0.oldValue ?? "" }), \(changes.map { $0.newValue ?? "" })) AS c(f, o, n)
                    """, logger: logger)
            }
            let agents = Array(newAgents.values).sorted { $0.kind < $1.kind }
            try await connection.query("DELETE FROM host_agents WHERE host_id = \(hostID)", logger: logger)
            if !agents.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO host_agents (host_id, kind, version, hook_state, hook_version, managed_config_hash,
                        provider, updated_at)
                    SELECT \(hostID), k, v, s, nullif(hv, ''), nullif(h, ''), nullif(p, ''), \(now)
                    FROM unnest(\(agents.map(\.kind)), \(agents.map(\.version)), \(agents.map(\.hookState)),
                                \(agents.map(\.hookVersion)), \(agents.map(\.managedConfigHash)),
                                \(agents.map(\.provider))) AS a(k, v, s, hv, h, p)
                    """, logger: logger)
            }
            var servers: [String: HostInventory.MCPServer] = [:]
            for server in inventory.mcpServers { servers["\(server.agentKind)\u{0}\(server.name)"] = server }
            let mcp = servers.keys.sorted().compactMap { servers[$0] }
            try await connection.query("DELETE FROM host_mcp_servers WHERE host_id = \(hostID)", logger: logger)
            if !mcp.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO host_mcp_servers (host_id, agent_kind, name, transport, endpoint, scope, updated_at)
                    SELECT \(hostID), a, n, t, e, s, \(now)
                    FROM unnest(\(mcp.map(\.agentKind)), \(mcp.map(\.name)), \(mcp.map(\.transport)),
                                \(mcp.map(\.endpoint)), \(mcp.map(\.scope))) AS m(a, n, t, e, s)
                    """, logger: logger)
            }
            var repos: [String: HostInventory.Repo] = [:]
            for repo in inventory.repos where !repo.slug.isEmpty {
                if let seen = repos[repo.slug], seen.lastSeen >= repo.lastSeen { continue }
                repos[repo.slug] = repo
            }
            let repoList = repos.keys.sorted().compactMap { repos[$0] }
            if !repoList.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO repos (slug, remote_url, managed)
                    SELECT s, nullif(u, ''), m
                    FROM unnest(\(repoList.map(\.slug)), \(repoList.map(\.remoteURL)), \(repoList.map(\.managed))) AS r(s, u, m)
                    ON CONFLICT (slug) DO UPDATE SET remote_url = coalesce(excluded.remote_url, repos.remote_url)
                    """, logger: logger)
                try await connection.query(
                    """
                    INSERT INTO host_repos (host_id, repo_id, last_seen)
                    SELECT \(hostID), repos.id, r.l
                    FROM unnest(\(repoList.map(\.slug)), \(repoList.map(\.lastSeen))) AS r(s, l) JOIN repos ON repos.slug = r.s
                    ON CONFLICT (host_id, repo_id) DO UPDATE SET last_seen = greatest(host_repos.last_seen, excluded.last_seen)
                    """, logger: logger)
            }
            return changes
        }
    }
}
