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

    // MARK: Hosts

    /// Ring, tags and bound users of a live host; nil for an unknown or retired host.
    public func policyFacts(hostID: UUID) async throws -> HostPolicyFacts? {
        let rows = try await client.query(
            """
            SELECT ring, tags, any_user,
                   array(SELECT user_name FROM host_users WHERE host_id = hosts.id ORDER BY user_name)
            FROM hosts WHERE id = \(hostID) AND retired_at IS NULL
            """, logger: logger)
        for try await (ring, tags, anyUser, users) in rows.decode((Int16?, [String], Bool, [String]).self) {
            return HostPolicyFacts(
                ring: ring.flatMap { Ring(number: Int($0)) }, tags: tags, users: users, anyUser: anyUser)
        }
        return nil
    }

    /// A host's ring and tags as they were at `moment` — today's, with each field an admin
    /// changed since (`host_changes`) taken back to the value it had then — and its bound
    /// users today. Nil when no host has this id or it was retired before `moment`.
    public func policyFacts(hostID: UUID, at moment: Date) async throws -> HostPolicyFacts? {
        let rows = try await client.query(
            """
            SELECT ring, tags, any_user,
                   array(SELECT user_name FROM host_users WHERE host_id = hosts.id ORDER BY user_name),
                   (SELECT coalesce(old_value, '') FROM host_changes WHERE host_id = hosts.id AND field = 'ring' AND at > \(moment)
                    ORDER BY at, id LIMIT 1),
                   (SELECT coalesce(old_value, '') FROM host_changes WHERE host_id = hosts.id AND field = 'tags' AND at > \(moment)
                    ORDER BY at, id LIMIT 1)
            FROM hosts WHERE id = \(hostID) AND (retired_at IS NULL OR retired_at > \(moment))
            """, logger: logger)
        for try await (ring, tags, anyUser, users, ringThen, tagsThen) in rows.decode(
            (Int16?, [String], Bool, [String], String?, String?).self)
        {
            var facts = HostPolicyFacts(
                ring: ring.flatMap { Ring(number: Int($0)) }, tags: tags, users: users, anyUser: anyUser)
            if let ringThen { facts.ring = Int(ringThen).flatMap(Ring.init(number:)) }
            if let tagsThen { facts.tags = tagsThen.split(separator: ",").map(String.init) }
            return facts
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

    /// Number of live hosts whose managed files drifted.
    public func driftedHosts() async throws -> Int {
        let rows = try await client.query(
            "SELECT count(*)::bigint FROM hosts WHERE retired_at IS NULL AND cardinality(drifted_files) > 0",
            logger: logger)
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
        for fetch in fetches where (latest[fetch.hostID]?.at ?? .distantPast) <= fetch.at {
            latest[fetch.hostID] = fetch
        }
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
            "SELECT count(*)::bigint FROM hosts WHERE retired_at IS NULL AND last_heartbeat_at >= \(since)",
            logger: logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
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
        let hosts = try await Self.fleetHosts(rows, threshold: threshold)
        let missingRows = try await client.query(
            """
            SELECT u.username FROM directory_users u
            WHERE u.deleted_at IS NULL AND NOT u.disabled
              AND NOT EXISTS (SELECT 1 FROM hosts h WHERE h.retired_at IS NULL AND ringfence_lower_names(h.users) @> ARRAY[lower(u.username)])
            ORDER BY u.username
            """, logger: logger)
        let missing = try await missingRows.decode(String.self).collect()
        return FleetSummary(
            hosts: hosts, missingUsers: missing, staleAfter: staleAfter,
            unrecognized: try await unrecognizedInputs(since: now.addingTimeInterval(-7 * 86_400)))
    }

    /// The hosts of rows of (id, host name, installer version, OS, ring, users, last
    /// heartbeat, last policy fetch, drifted files); connected when the heartbeat is at or
    /// after `threshold`.
    static func fleetHosts(_ rows: PostgresRowSequence, threshold: Date) async throws -> [FleetHost] {
        var hosts: [FleetHost] = []
        for try await (id, hostname, installer, os, ring, users, heartbeat, fetch, drifted)
            in rows.decode((UUID, String, String, String, Int16?, [String], Date?, Date?, [String]).self)
        {
            let status: FleetHost.Status = heartbeat.map { $0 >= threshold ? .connected : .stale } ?? .never
            hosts.append(
                FleetHost(
                    id: id, hostname: hostname, os: os, installerVersion: installer,
                    ring: ring.flatMap { Ring(number: Int($0)) }, users: users, lastHeartbeat: heartbeat,
                    lastPolicyFetch: fetch, status: status, driftedFiles: drifted))
        }
        return hosts
    }

    /// Hook input the adapters did not understand since a moment: per agent kind, agent
    /// version and raw name, with the number of events and of hosts; most first. Read from
    /// the daily event rollups (whole days) and the raw events of the first, partial day.
    public func unrecognizedInputs(since: Date) async throws -> [UnrecognizedHookInput] {
        let rows = try await client.query(
            """
            SELECT agent_kind, agent_version, detail, sum(events)::bigint, count(DISTINCT host_id)::bigint
            FROM ringfence_event_counts(\(since), 'infinity') WHERE surface = \(Surface.unrecognized.rawValue)
            GROUP BY 1, 2, 3
            """, logger: logger)
        var inputs: [UnrecognizedHookInput] = []
        for try await (agent, version, summary, events, hosts) in rows.decode(
            (String, String, String, Int64, Int64).self)
        {
            inputs.append(
                UnrecognizedHookInput(
                    agent: agent, agentVersion: version, name: UnrecognizedHookInput.name(fromSummary: summary),
                    events: Int(events), sources: Int(hosts)))
        }
        return UnrecognizedHookInput.ranked(inputs)
    }
}
