import Foundation
import Logging
import PostgresNIO
import RingfenceCore

/// The fleet a page at a time, for the admin API and the console: counts taken in
/// PostgreSQL, live hosts in host-name order from a keyset (never OFFSET), filtered by
/// state, agent, name prefix and user, each with its agents.
extension FleetStore {
    /// The fleet's counts at `now`.
    public struct FleetCounts: Sendable, Equatable {
        public var hosts: Int
        public var connected: Int
        public var stale: Int
        public var silent: Int
        public var drifted: Int
        public var missingUsers: Int
    }

    /// What a host list is filtered by; nil fields do not filter.
    public struct HostFilter: Sendable, Equatable {
        /// `connected`, `stale`, `silent` or `drifted`.
        public enum State: String, Sendable, CaseIterable { case connected, stale, silent, drifted }

        public var state: State?
        public var agent: String?
        public var hostnamePrefix: String?
        public var user: String?

        public init(state: State? = nil, agent: String? = nil, hostnamePrefix: String? = nil, user: String? = nil) {
            self.state = state
            self.agent = agent
            self.hostnamePrefix = hostnamePrefix
            self.user = user
        }
    }

    /// Where a page of hosts starts: after this host name and id.
    public struct HostKey: Sendable, Equatable, Codable {
        public var hostname: String
        public var id: UUID

        public init(hostname: String, id: UUID) {
            self.hostname = hostname
            self.id = id
        }
    }

    /// One host of a page, with its agents.
    public struct ListedHost: Sendable, Equatable {
        public var host: FleetHost
        public var agents: [HostInventory.Agent]
    }

    /// The counts: hosts by heartbeat state, drifted hosts, and active directory users no
    /// live host reported (compared without case).
    public func counts(now: Date = Date(), staleAfter: TimeInterval) async throws -> FleetCounts {
        let threshold = now.addingTimeInterval(-staleAfter)
        let rows = try await client.query(
            """
            SELECT count(*)::bigint, (count(*) FILTER (WHERE last_heartbeat_at >= \(threshold)))::bigint,
                (count(*) FILTER (WHERE last_heartbeat_at < \(threshold)))::bigint,
                (count(*) FILTER (WHERE last_heartbeat_at IS NULL))::bigint,
                (count(*) FILTER (WHERE cardinality(drifted_files) > 0))::bigint
            FROM hosts WHERE retired_at IS NULL
            """, logger: logger)
        var counts = FleetCounts(hosts: 0, connected: 0, stale: 0, silent: 0, drifted: 0, missingUsers: 0)
        for try await (hosts, connected, stale, silent, drifted) in rows.decode(
            (Int64, Int64, Int64, Int64, Int64).self)
        {
            counts = FleetCounts(
                hosts: Int(hosts), connected: Int(connected), stale: Int(stale), silent: Int(silent),
                drifted: Int(drifted), missingUsers: 0)
        }
        let missing = try await client.query(
            """
            WITH seen AS (
                SELECT DISTINCT lower(x) AS name FROM hosts h CROSS JOIN LATERAL unnest(h.users) AS x
                WHERE h.retired_at IS NULL
            )
            SELECT count(*)::bigint FROM directory_users u
            WHERE u.deleted_at IS NULL AND NOT u.disabled AND lower(u.username) NOT IN (SELECT name FROM seen)
            """, logger: logger)
        for try await count in missing.decode(Int64.self) { counts.missingUsers = Int(count) }
        return counts
    }

    /// Up to `limit` live hosts after `after` in (host name, id) order that pass `filter`,
    /// and whether more follow.
    public func hosts(
        filter: HostFilter, after: HostKey?, limit: Int, now: Date = Date(), staleAfter: TimeInterval
    ) async throws -> (hosts: [ListedHost], more: Bool) {
        let threshold = now.addingTimeInterval(-staleAfter)
        let pattern = filter.hostnamePrefix.map { LikePattern.prefix($0.lowercased()) }
        let rows = try await client.query(
            """
            SELECT h.id, h.hostname, coalesce(h.installer_version, ''), coalesce(h.os, ''), h.ring, h.users,
                h.last_heartbeat_at, h.last_policy_fetch_at, h.drifted_files
            FROM hosts h
            WHERE h.retired_at IS NULL
              AND (\(filter.state?.rawValue)::text IS NULL
                   OR (\(filter.state?.rawValue) = 'connected' AND h.last_heartbeat_at >= \(threshold))
                   OR (\(filter.state?.rawValue) = 'stale' AND h.last_heartbeat_at < \(threshold))
                   OR (\(filter.state?.rawValue) = 'silent' AND h.last_heartbeat_at IS NULL)
                   OR (\(filter.state?.rawValue) = 'drifted' AND cardinality(h.drifted_files) > 0))
              AND (\(filter.agent)::text IS NULL
                   OR EXISTS (SELECT 1 FROM host_agents a WHERE a.host_id = h.id AND a.kind = \(filter.agent)))
              AND (\(pattern)::text IS NULL OR lower(h.hostname) LIKE \(pattern) ESCAPE '\\')
              AND (\(filter.user)::text IS NULL OR h.users @> ARRAY[\(filter.user)]::text[])
              AND (\(after?.hostname)::text IS NULL OR (h.hostname, h.id) > (\(after?.hostname), \(after?.id)::uuid))
            ORDER BY h.hostname, h.id
            LIMIT \(limit + 1)
            """, logger: logger)
        var hosts = try await Self.fleetHosts(rows, threshold: threshold)
        let more = hosts.count > limit
        if more { hosts.removeLast() }
        let agents = try await agents(of: hosts.map(\.id))
        return (hosts.map { ListedHost(host: $0, agents: agents[$0.id] ?? []) }, more)
    }

    /// One live host as a list shows it; nil when it is unknown or retired.
    public func listedHost(id: UUID, now: Date = Date(), staleAfter: TimeInterval) async throws -> ListedHost? {
        let threshold = now.addingTimeInterval(-staleAfter)
        let rows = try await client.query(
            """
            SELECT id, hostname, coalesce(installer_version, ''), coalesce(os, ''), ring, users, last_heartbeat_at,
                last_policy_fetch_at, drifted_files
            FROM hosts WHERE id = \(id) AND retired_at IS NULL
            """, logger: logger)
        guard let host = try await Self.fleetHosts(rows, threshold: threshold).first else { return nil }
        return ListedHost(host: host, agents: try await agents(of: [id])[id] ?? [])
    }

    /// The agents of some hosts, by host, each host's by kind.
    func agents(of hostIDs: [UUID]) async throws -> [UUID: [HostInventory.Agent]] {
        guard !hostIDs.isEmpty else { return [:] }
        let rows = try await client.query(
            """
            SELECT host_id, kind, version, hook_state, coalesce(hook_version, ''), coalesce(provider, '')
            FROM host_agents WHERE host_id = ANY(\(hostIDs)) ORDER BY host_id, kind
            """, logger: logger)
        var result: [UUID: [HostInventory.Agent]] = [:]
        for try await (host, kind, version, state, hookVersion, provider) in rows.decode(
            (UUID, String, String, String, String, String).self)
        {
            result[host, default: []].append(
                HostInventory.Agent(
                    kind: kind, version: version, hookState: state, hookVersion: hookVersion, provider: provider))
        }
        return result
    }
}
