import Foundation
import Logging
import PostgresNIO
import RingfenceCore

/// The PostgreSQL side of the weekly reports: every figure is an aggregation in the
/// database (over the daily event rollups, `ringfence_event_counts` of migration 027, the
/// fleet and the directory mirror); only counts and the grouped events for the next-ring
/// evaluation come back. The cost of a week follows the rows of its rollups, not its events.
public struct ReportQueries: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "ringfence.reports")) {
        self.client = client
        self.logger = logger
    }

    /// Lower-cased user names of the group's members, nested groups included; nil when the
    /// directory has no such group.
    public func members(of group: String) async throws -> [String]? {
        let exists = try await client.query(
            "SELECT count(*) FROM directory_groups WHERE name = \(group) AND deleted_at IS NULL", logger: logger)
        for try await count in exists.decode(Int.self) where count == 0 { return nil }
        let rows = try await client.query(
            """
            SELECT DISTINCT lower(u.username) FROM effective_memberships e
            JOIN directory_groups g ON g.id = e.group_id AND g.deleted_at IS NULL
            JOIN directory_users u ON u.id = e.user_id AND u.deleted_at IS NULL
            WHERE g.name = \(group) ORDER BY 1
            """, logger: logger)
        let members = try await rows.decode(String.self).collect()
        return members
    }

    /// Coverage of `members` as of `asOf`: hosts where any of them was seen, by freshness
    /// of their last heartbeat, and what those hosts run.
    public func coverage(members: [String], asOf: Date, staleAfter: TimeInterval) async throws
        -> GroupWeekReport.Coverage
    {
        let fresh = asOf.addingTimeInterval(-staleAfter)
        var coverage = GroupWeekReport.Coverage(
            members: members.count, hostsConnected: 0, hostsStale: 0, hostsSilent: 0,
            missingMembers: 0, installerVersions: [:], hookStates: [:], agents: [:], mcpServers: [:])
        var rows = try await client.query(
            """
            SELECT count(*) FILTER (WHERE h.last_heartbeat_at >= \(fresh)),
                   count(*) FILTER (WHERE h.last_heartbeat_at < \(fresh)),
                   count(*) FILTER (WHERE h.last_heartbeat_at IS NULL),
                   count(*) FILTER (WHERE cardinality(h.drifted_files) > 0)
            FROM hosts h
            WHERE h.retired_at IS NULL AND ringfence_lower_names(h.users) && \(members)
            """, logger: logger)
        for try await (connected, stale, silent, drifted) in rows.decode((Int, Int, Int, Int).self) {
            (coverage.hostsConnected, coverage.hostsStale, coverage.hostsSilent, coverage.hostsDrifted) = (
                connected, stale, silent, drifted
            )
        }
        if coverage.hostsDrifted > 0 {
            rows = try await client.query(
                """
                SELECT f, count(*)::int FROM hosts h, unnest(h.drifted_files) f
                WHERE h.retired_at IS NULL AND ringfence_lower_names(h.users) && \(members)
                GROUP BY f
                """, logger: logger)
            for try await (file, count) in rows.decode((String, Int).self) { coverage.driftedFiles[file] = count }
        }
        rows = try await client.query(
            """
            SELECT count(*) FROM unnest(\(members)::text[]) m(name)
            WHERE NOT EXISTS (SELECT 1 FROM hosts h WHERE h.retired_at IS NULL AND ringfence_lower_names(h.users) @> ARRAY[m.name])
            """, logger: logger)
        for try await missing in rows.decode(Int.self) { coverage.missingMembers = missing }
        rows = try await client.query(
            """
            WITH g AS (SELECT h.id, h.installer_version FROM hosts h WHERE h.retired_at IS NULL
                       AND ringfence_lower_names(h.users) && \(members))
            SELECT 'installer', coalesce(nullif(installer_version, ''), 'unknown'), count(*) FROM g GROUP BY 2
            UNION ALL
            SELECT 'hook', a.hook_state, count(*) FROM g JOIN host_agents a ON a.host_id = g.id GROUP BY 2
            UNION ALL
            SELECT 'agent', a.kind || ' ' || a.version, count(*) FROM g JOIN host_agents a ON a.host_id = g.id GROUP BY 2
            UNION ALL
            SELECT 'mcp', m.name, count(*) FROM g JOIN host_mcp_servers m ON m.host_id = g.id GROUP BY 2
            UNION ALL
            SELECT 'approval', CASE WHEN m.scope = 'managed' THEN 'approved' ELSE 'unapproved' END, count(*)
            FROM g JOIN host_mcp_servers m ON m.host_id = g.id GROUP BY 2
            """, logger: logger)
        for try await (kind, key, count) in rows.decode((String, String, Int).self) {
            switch kind {
            case "installer": coverage.installerVersions[key] = count
            case "hook": coverage.hookStates[key] = count
            case "agent": coverage.agents[key] = count
            case "approval": coverage.mcpApproval[key] = count
            default: coverage.mcpServers[key] = count
            }
        }
        return coverage
    }

    /// The names behind `members`' coverage as of `asOf`: members no host reported, the
    /// members' hosts without a fresh heartbeat, and those with drifted files.
    public func names(members: [String], asOf: Date, staleAfter: TimeInterval) async throws -> (
        missing: [String], stale: [GroupWeekReport.HostNote], drifted: [GroupWeekReport.HostNote]
    ) {
        let fresh = asOf.addingTimeInterval(-staleAfter)
        let missing = try await client.query(
            """
            SELECT m.name FROM unnest(\(members)::text[]) m(name)
            WHERE NOT EXISTS (SELECT 1 FROM hosts h WHERE h.retired_at IS NULL AND ringfence_lower_names(h.users) @> ARRAY[m.name])
            ORDER BY 1
            """, logger: logger
        ).decode(String.self).collect()
        var stale: [GroupWeekReport.HostNote] = []
        var drifted: [GroupWeekReport.HostNote] = []
        let rows = try await client.query(
            """
            SELECT h.hostname, h.users, h.last_heartbeat_at, h.drifted_files,
                   h.last_heartbeat_at IS NULL OR h.last_heartbeat_at < \(fresh)
            FROM hosts h
            WHERE h.retired_at IS NULL AND ringfence_lower_names(h.users) && \(members)
              AND (h.last_heartbeat_at IS NULL OR h.last_heartbeat_at < \(fresh) OR cardinality(h.drifted_files) > 0)
            ORDER BY h.last_heartbeat_at NULLS FIRST, h.hostname
            """, logger: logger)
        for try await (hostname, users, last, files, isStale) in rows.decode(
            (String, [String], Date?, [String], Bool).self)
        {
            let note = GroupWeekReport.HostNote(hostname: hostname, users: users, lastHeartbeat: last)
            if isStale { stale.append(note) }
            if !files.isEmpty {
                var withFiles = note
                withFiles.files = files.sorted()
                drifted.append(withFiles)
            }
        }
        return (missing, stale, drifted.sorted { $0.hostname < $1.hostname })
    }

    /// Each member's groups (nested included), by lower-cased user name.
    public func groups(of members: [String]) async throws -> [String: [String]] {
        let rows = try await client.query(
            """
            SELECT lower(u.username), g.name FROM effective_memberships e
            JOIN directory_users u ON u.id = e.user_id AND u.deleted_at IS NULL
            JOIN directory_groups g ON g.id = e.group_id AND g.deleted_at IS NULL
            WHERE lower(u.username) = ANY(\(members))
            """, logger: logger)
        var groups: [String: [String]] = [:]
        for try await (user, group) in rows.decode((String, String).self) { groups[user, default: []].append(group) }
        return groups
    }

    /// The revisions in force at some moment of [`from`, `until`), oldest first, with who
    /// published them and their comments.
    public func revisionNotes(from: Date, until: Date) async throws -> [GroupWeekReport.RevisionNote] {
        let rows = try await client.query(
            """
            SELECT revision, created_by, comment FROM policy_revisions
            WHERE revision >= coalesce((SELECT max(revision) FROM policy_revisions WHERE created_at <= \(from)), 0)
              AND created_at < \(until)
            ORDER BY 1
            """, logger: logger)
        var notes: [GroupWeekReport.RevisionNote] = []
        for try await (revision, by, comment) in rows.decode((Int64, String, String?).self) {
            notes.append(.init(revision: revision, by: by, comment: comment))
        }
        return notes
    }

    /// The events of [`from`, `until`) aggregated per user: volume by surface and verdict,
    /// rule candidates with the smallest summary as example, and (with `matches`) rule
    /// matches grouped by context. `users` (lower-cased) restricts it; nil takes everyone,
    /// one pass over the week for all groups.
    public func aggregates(from: Date, until: Date, users: [String]?, matches: Bool = true) async throws
        -> WeekAggregates
    {
        var result = WeekAggregates()
        let everyone = users == nil
        var rows = try await client.query(
            """
            SELECT lower(username), surface, verdict, sum(events)::bigint FROM ringfence_event_counts(\(from), \(until))
            WHERE \(everyone) OR lower(username) = ANY(\(users ?? []))
            GROUP BY 1, 2, 3
            """, logger: logger)
        for try await (user, surface, verdict, count) in rows.decode((String, String, String, Int).self) {
            result.volume[user, default: [:]][surface, default: [:]][verdict] = count
        }
        rows = try await client.query(
            """
            SELECT lower(username), agent_kind, agent_version, detail, sum(events)::bigint
            FROM ringfence_event_counts(\(from), \(until))
            WHERE (\(everyone) OR lower(username) = ANY(\(users ?? []))) AND surface = \(Surface.unrecognized.rawValue)
            GROUP BY 1, 2, 3, 4
            """, logger: logger)
        for try await (user, agent, version, summary, count) in rows.decode((String, String, String, String, Int).self)
        {
            result.unrecognized[user, default: []].append(
                UnrecognizedHookInput(
                    agent: agent, agentVersion: version, name: UnrecognizedHookInput.name(fromSummary: summary),
                    events: count, sources: 1))
        }
        guard matches else { return result }
        rows = try await client.query(
            """
            SELECT lower(username), pack, rule_id, surface, sum(events)::bigint, coalesce(min(example), '')
            FROM ringfence_event_counts(\(from), \(until))
            WHERE (\(everyone) OR lower(username) = ANY(\(users ?? [])))
              AND verdict IN ('warn-candidate', 'block-candidate') AND rule_id <> ''
            GROUP BY 1, 2, 3, 4
            """, logger: logger)
        for try await (user, pack, rule, surface, count, example) in rows.decode(
            (String, String, String, String, Int, String).self)
        {
            result.candidates[user, default: [:]][.init(pack: pack, ruleID: rule, surface: surface)] = .init(
                count: count, example: example)
        }
        // Decided as at the end of the period: the policy in force then, validity windows included.
        for event in try await PopulationStore(client: client).events(from: from, until: until, users: users, at: until)
        {
            result.matches[event.context.user.lowercased(), default: []].append(event)
        }
        return result
    }

    /// Policy revisions in force at some moment of [`from`, `until`), oldest first.
    public func revisions(from: Date, until: Date) async throws -> [Int64] {
        let rows = try await client.query(
            """
            SELECT revision FROM policy_revisions
            WHERE revision >= coalesce((SELECT max(revision) FROM policy_revisions WHERE created_at <= \(from)), 0)
              AND created_at < \(until)
            ORDER BY 1
            """, logger: logger)
        let revisions = try await rows.decode(Int64.self).collect()
        return revisions
    }

    /// Mail addresses of the group's owners (its `owner` DNs, stored as DN keys, that are
    /// directory users with an address), sorted.
    public func ownerAddresses(of group: String) async throws -> [String] {
        let rows = try await client.query(
            """
            SELECT DISTINCT u.email FROM directory_groups g
            CROSS JOIN LATERAL unnest(g.owners) AS o(dn)
            JOIN directory_users u ON coalesce(u.dn_key, lower(u.dn)) = lower(o.dn) AND u.deleted_at IS NULL AND NOT u.disabled
            WHERE g.name = \(group) AND g.deleted_at IS NULL AND coalesce(u.email, '') <> ''
            ORDER BY 1
            """, logger: logger)
        let addresses = try await rows.decode(String.self).collect()
        return addresses
    }
}
