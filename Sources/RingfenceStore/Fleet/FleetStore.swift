import Foundation
import Logging
import NIOCore
import PostgresNIO
import RingfenceCore

/// The fleet in PostgreSQL: enrolment tokens, hosts and their inventory, and API keys.
///
/// Secrets never reach this type: tokens and keys arrive as SHA-256 digests, generated
/// and compared by the server. Every statement binds its values as parameters.
public struct FleetStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "ringfence.fleet.store")) {
        self.client = client
        self.logger = logger
    }

    // MARK: Enrolment

    /// Stores a one-time enrolment token by its digest; returns its id.
    public func createEnrollmentToken(hash: [UInt8], ring: Ring?, tags: [String], expiresAt: Date) async throws -> Int64 {
        let ringValue = ring.map { Int16($0.number) }
        let rows = try await client.query(
            """
            INSERT INTO enrollment_tokens (token_hash, ring, tags, expires_at)
            VALUES (\(ByteBuffer(bytes: hash)), \(ringValue), \(tags), \(expiresAt)) RETURNING id
            """, logger: logger)
        for try await id in rows.decode(Int64.self) { return id }
        throw PostgresStoreError("enrolment token was not stored")
    }

    /// Why an enrolment was refused.
    public enum EnrollmentError: Error, Equatable, CustomStringConvertible {
        /// No unused, unexpired token has this digest.
        case invalidToken

        public var description: String { "the enrolment token is unknown, used or expired" }
    }

    /// Consumes a token and enrols the host, storing its first API key — all in one
    /// transaction. A machine that is already enrolled (same machine id) keeps its host id;
    /// its earlier keys are revoked.
    public func enroll(tokenHash: [UInt8], host: HostIdentity, keyPrefix: String, keyHash: [UInt8],
                       keyExpiresAt: Date, now: Date = Date()) async throws -> Enrollment {
        try await client.transaction(logger: logger) { connection in
            let tokenRows = try await connection.query(
                """
                UPDATE enrollment_tokens SET used_at = \(now)
                WHERE token_hash = \(ByteBuffer(bytes: tokenHash)) AND used_at IS NULL AND expires_at > \(now)
                RETURNING id, ring, tags
                """, logger: logger)
            var token: (Int64, Int16?, [String])?
            for try await row in tokenRows.decode((Int64, Int16?, [String]).self) { token = row }
            guard let (tokenID, ringValue, tags) = token else { throw EnrollmentError.invalidToken }

            var existing: UUID?
            let hostRows = try await connection.query(
                "SELECT id FROM hosts WHERE machine_id = \(host.machineID) AND retired_at IS NULL ORDER BY enrolled_at DESC LIMIT 1 FOR UPDATE",
                logger: logger)
            for try await id in hostRows.decode(UUID.self) { existing = id }
            let hostID = existing ?? UUID()
            if existing != nil {
                try await connection.query(
                    """
                    UPDATE hosts SET hostname = \(host.hostname), os = \(host.os), os_version = \(host.osVersion),
                        arch = \(host.arch), installer_version = \(host.installerVersion),
                        ring = coalesce(\(ringValue), ring), tags = \(tags)
                    WHERE id = \(hostID)
                    """, logger: logger)
                try await connection.query(
                    "UPDATE api_keys SET revoked_at = \(now) WHERE host_id = \(hostID) AND revoked_at IS NULL", logger: logger)
            } else {
                try await connection.query(
                    """
                    INSERT INTO hosts (id, machine_id, hostname, os, os_version, arch, installer_version, ring, tags, enrolled_at)
                    VALUES (\(hostID), \(host.machineID), \(host.hostname), \(host.os), \(host.osVersion), \(host.arch),
                            \(host.installerVersion), \(ringValue), \(tags), \(now))
                    """, logger: logger)
            }
            try await connection.query(
                "UPDATE enrollment_tokens SET used_by_host = \(hostID) WHERE id = \(tokenID)", logger: logger)
            try await connection.query(
                """
                INSERT INTO api_keys (key_prefix, key_hash, kind, host_id, label, created_at, expires_at)
                VALUES (\(keyPrefix), \(ByteBuffer(bytes: keyHash)), 'agent', \(hostID), 'enrolment', \(now), \(keyExpiresAt))
                """, logger: logger)
            return Enrollment(hostID: hostID, ring: ringValue.flatMap { Ring(number: Int($0)) }, reenrolled: existing != nil)
        }
    }

    // MARK: API keys

    /// The stored key with this public prefix, if any.
    public func apiKey(prefix: String) async throws -> StoredAPIKey? {
        let rows = try await client.query(
            """
            SELECT k.key_prefix, k.key_hash, k.kind, k.host_id, k.expires_at, k.revoked_at, h.retired_at IS NOT NULL
            FROM api_keys k LEFT JOIN hosts h ON h.id = k.host_id WHERE k.key_prefix = \(prefix)
            """, logger: logger)
        for try await (prefix, hash, kind, host, expires, revoked, retired)
            in rows.decode((String, ByteBuffer, String, UUID?, Date, Date?, Bool).self) {
            return StoredAPIKey(prefix: prefix, hash: Array(hash.readableBytesView), kind: StoredAPIKey.Kind(rawValue: kind) ?? .agent,
                                hostID: host, expiresAt: expires, revokedAt: revoked, hostRetired: retired)
        }
        return nil
    }

    /// Stores a new agent key for a host and shortens the presenting key's life to the
    /// overlap window (it keeps working until `previousValidUntil`, never longer than it
    /// would have anyway).
    public func rotateKey(hostID: UUID, presentedPrefix: String, newPrefix: String, newHash: [UInt8], expiresAt: Date,
                          previousValidUntil: Date, now: Date = Date()) async throws -> Date {
        try await client.transaction(logger: logger) { connection in
            let rows = try await connection.query(
                """
                UPDATE api_keys SET expires_at = least(expires_at, \(previousValidUntil))
                WHERE key_prefix = \(presentedPrefix) AND host_id = \(hostID) AND revoked_at IS NULL
                RETURNING expires_at
                """, logger: logger)
            var validUntil: Date?
            for try await date in rows.decode(Date.self) { validUntil = date }
            guard let validUntil else { throw PostgresStoreError("the presenting key is not an active key of host \(hostID)") }
            try await connection.query(
                """
                INSERT INTO api_keys (key_prefix, key_hash, kind, host_id, label, created_at, expires_at)
                VALUES (\(newPrefix), \(ByteBuffer(bytes: newHash)), 'agent', \(hostID), 'rotation', \(now), \(expiresAt))
                """, logger: logger)
            return validUntil
        }
    }

    /// Revokes one key by prefix; returns whether an active key was revoked.
    public func revokeKey(prefix: String, now: Date = Date()) async throws -> Bool {
        let rows = try await client.query(
            "UPDATE api_keys SET revoked_at = \(now) WHERE key_prefix = \(prefix) AND revoked_at IS NULL RETURNING 1",
            logger: logger)
        var count = 0
        for try await _ in rows.decode(Int.self) { count += 1 }
        return count > 0
    }

    /// Revokes every active key of a host; returns how many.
    public func revokeKeys(hostID: UUID, now: Date = Date()) async throws -> Int {
        let rows = try await client.query(
            "UPDATE api_keys SET revoked_at = \(now) WHERE host_id = \(hostID) AND revoked_at IS NULL RETURNING 1",
            logger: logger)
        var count = 0
        for try await _ in rows.decode(Int.self) { count += 1 }
        return count
    }

    /// Stores an admin key (for the admin service and tooling); returns nothing secret.
    public func createAdminKey(prefix: String, hash: [UInt8], label: String, expiresAt: Date) async throws {
        try await client.query(
            """
            INSERT INTO api_keys (key_prefix, key_hash, kind, label, expires_at)
            VALUES (\(prefix), \(ByteBuffer(bytes: hash)), 'admin', \(label), \(expiresAt))
            """, logger: logger)
    }

    /// One key as `ringfence keys list` shows it: no hash, no secret.
    public struct KeyListing: Sendable, Equatable {
        public var prefix: String
        public var kind: String
        public var hostID: UUID?
        public var hostname: String?
        public var label: String?
        public var createdAt: Date
        public var expiresAt: Date
        public var revokedAt: Date?
    }

    /// Keys, newest first; revoked and expired ones too (they say so).
    public func keys(hostID: UUID? = nil, limit: Int = 500) async throws -> [KeyListing] {
        let rows = try await client.query(
            """
            SELECT k.key_prefix, k.kind, k.host_id, h.hostname, k.label, k.created_at, k.expires_at, k.revoked_at
            FROM api_keys k LEFT JOIN hosts h ON h.id = k.host_id
            WHERE \(hostID)::uuid IS NULL OR k.host_id = \(hostID)
            ORDER BY k.created_at DESC, k.id DESC LIMIT \(limit)
            """, logger: logger)
        var result: [KeyListing] = []
        for try await (prefix, kind, host, hostname, label, created, expires, revoked)
            in rows.decode((String, String, UUID?, String?, String?, Date, Date, Date?).self) {
            result.append(KeyListing(prefix: prefix, kind: kind, hostID: host, hostname: hostname, label: label,
                                     createdAt: created, expiresAt: expires, revokedAt: revoked))
        }
        return result
    }

    // MARK: Hosts

    /// Ring and tags of a live host; nil for an unknown or retired host.
    public func policyFacts(hostID: UUID) async throws -> HostPolicyFacts? {
        let rows = try await client.query(
            "SELECT ring, tags FROM hosts WHERE id = \(hostID) AND retired_at IS NULL", logger: logger)
        for try await (ring, tags) in rows.decode((Int16?, [String]).self) {
            return HostPolicyFacts(ring: ring.flatMap { Ring(number: Int($0)) }, tags: tags)
        }
        return nil
    }

    /// Records a heartbeat: the host's facts and last heartbeat, its agents, MCP servers and
    /// repositories (lists replace the stored ones), and a `host_changes` row for every
    /// change of installer, agent or hook version or hook state. One transaction.
    /// Returns the changes recorded.
    ///
    /// `drifted` (managed files that differ from what was served, see `servedNativeFiles`)
    /// replaces `hosts.drifted_files`; a change of it is kept in `host_changes` as well.
    @discardableResult
    public func recordHeartbeat(hostID: UUID, inventory: HostInventory, drifted: [String] = [], at now: Date = Date()) async throws
        -> [InventoryChange] {
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
                "SELECT kind, version, hook_state, coalesce(hook_version, ''), coalesce(managed_config_hash, '') FROM host_agents WHERE host_id = \(hostID)",
                logger: logger)
            for try await (kind, version, state, hookVersion, hash) in agentRows.decode((String, String, String, String, String).self) {
                oldAgents[kind] = .init(kind: kind, version: version, hookState: state, hookVersion: hookVersion, managedConfigHash: hash)
            }
            var newAgents: [String: HostInventory.Agent] = [:]
            for agent in inventory.agents { newAgents[agent.kind] = agent }
            var changes = InventoryChange.between(
                .init(installerVersion: installer, agents: oldAgents),
                .init(installerVersion: inventory.installerVersion, agents: newAgents))
            let drifted = drifted.sorted()
            if drifted != oldDrifted.sorted() {
                changes.append(InventoryChange(field: "drifted_files", oldValue: oldDrifted.sorted().joined(separator: " "),
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
                    INSERT INTO host_agents (host_id, kind, version, hook_state, hook_version, managed_config_hash, updated_at)
                    SELECT \(hostID), k, v, s, nullif(hv, ''), nullif(h, ''), \(now)
                    FROM unnest(\(agents.map(\.kind)), \(agents.map(\.version)), \(agents.map(\.hookState)),
                                \(agents.map(\.hookVersion)), \(agents.map(\.managedConfigHash))) AS a(k, v, s, hv, h)
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
                    INSERT INTO repos (slug, remote_url, managed, trust)
                    SELECT s, nullif(u, ''), m, CASE WHEN m THEN 'internal' ELSE 'unmanaged' END
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

    /// The managed files last served to a host, by agent kind: name → SHA-256.
    public func servedNativeFiles(hostID: UUID) async throws -> [String: [String: String]] {
        let rows = try await client.query(
            "SELECT agent_kind, name, sha256 FROM served_native_files WHERE host_id = \(hostID)", logger: logger)
        var served: [String: [String: String]] = [:]
        for try await (agent, name, sha) in rows.decode((String, String, String).self) { served[agent, default: [:]][name] = sha }
        return served
    }

    /// Records the managed files FetchPolicy served a host for one agent; they replace
    /// the ones served before.
    public func recordServedNativeFiles(hostID: UUID, agentKind: String, files: [(name: String, sha256: String)], etag: String,
                                        at now: Date = Date()) async throws {
        try await client.transaction(logger: logger) { connection in
            try await connection.query(
                "DELETE FROM served_native_files WHERE host_id = \(hostID) AND agent_kind = \(agentKind)", logger: logger)
            guard !files.isEmpty else { return }
            try await connection.query(
                """
                INSERT INTO served_native_files (host_id, agent_kind, name, sha256, etag, served_at)
                SELECT \(hostID), \(agentKind), n, s, \(etag), \(now) FROM unnest(\(files.map(\.name)), \(files.map(\.sha256))) AS f(n, s)
                """, logger: logger)
        }
    }

    /// Number of live hosts whose managed files drifted.
    public func driftedHosts() async throws -> Int {
        let rows = try await client.query(
            "SELECT count(*)::bigint FROM hosts WHERE retired_at IS NULL AND cardinality(drifted_files) > 0", logger: logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }

    /// One policy fetch to record on its host.
    public struct PolicyFetch: Sendable, Equatable {
        public var hostID: UUID
        public var at: Date
        public var etag: String

        public init(hostID: UUID, at: Date, etag: String) {
            self.hostID = hostID
            self.at = at
            self.etag = etag
        }
    }

    /// Stamps `last_policy_fetch_at` and `last_policy_etag` for many hosts in one statement
    /// (the latest fetch per host wins).
    public func recordPolicyFetches(_ fetches: [PolicyFetch]) async throws {
        var latest: [UUID: PolicyFetch] = [:]
        for fetch in fetches where (latest[fetch.hostID]?.at ?? .distantPast) <= fetch.at { latest[fetch.hostID] = fetch }
        guard !latest.isEmpty else { return }
        let rows = Array(latest.values)
        try await client.query(
            """
            UPDATE hosts SET last_policy_fetch_at = f.at, last_policy_etag = f.etag
            FROM unnest(\(rows.map(\.hostID)), \(rows.map(\.at)), \(rows.map(\.etag))) AS f(id, at, etag)
            WHERE hosts.id = f.id AND (hosts.last_policy_fetch_at IS NULL OR hosts.last_policy_fetch_at <= f.at)
            """, logger: logger)
    }

    /// Number of live hosts with a heartbeat since `since`.
    public func connectedHosts(since: Date) async throws -> Int {
        let rows = try await client.query(
            "SELECT count(*)::bigint FROM hosts WHERE retired_at IS NULL AND last_heartbeat_at >= \(since)", logger: logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }

    /// Trust of a known repository.
    public func repoTrust(slug: String) async throws -> RepoTrust? {
        let rows = try await client.query("SELECT trust FROM repos WHERE slug = \(slug)", logger: logger)
        for try await value in rows.decode(String.self) { return RepoTrust(rawValue: value) }
        return nil
    }

    /// The fleet at `now`: every live host with its heartbeat state (connected within
    /// `staleAfter`, stale, or never heard from), and active directory users no live host
    /// has reported.
    public func summary(now: Date = Date(), staleAfter: TimeInterval = 86_400) async throws -> FleetSummary {
        let threshold = now.addingTimeInterval(-staleAfter)
        let rows = try await client.query(
            """
            SELECT id, hostname, coalesce(installer_version, ''), coalesce(os, ''), ring, users, last_heartbeat_at, last_policy_fetch_at,
                   drifted_files
            FROM hosts WHERE retired_at IS NULL ORDER BY hostname, id
            """, logger: logger)
        var hosts: [FleetHost] = []
        for try await (id, hostname, installer, os, ring, users, heartbeat, fetch, drifted)
            in rows.decode((UUID, String, String, String, Int16?, [String], Date?, Date?, [String]).self) {
            let status: FleetHost.Status = heartbeat.map { $0 >= threshold ? .connected : .stale } ?? .never
            hosts.append(FleetHost(id: id, hostname: hostname, os: os, installerVersion: installer, ring: ring.flatMap { Ring(number: Int($0)) },
                                   users: users, lastHeartbeat: heartbeat, lastPolicyFetch: fetch, status: status, driftedFiles: drifted))
        }
        let missingRows = try await client.query(
            """
            SELECT u.username FROM directory_users u
            WHERE u.deleted_at IS NULL AND NOT u.disabled
              AND NOT EXISTS (SELECT 1 FROM hosts h WHERE h.retired_at IS NULL AND lower(u.username) = ANY (SELECT lower(x) FROM unnest(h.users) x))
            ORDER BY u.username
            """, logger: logger)
        var missing: [String] = []
        for try await name in missingRows.decode(String.self) { missing.append(name) }
        return FleetSummary(hosts: hosts, missingUsers: missing, staleAfter: staleAfter)
    }
}
