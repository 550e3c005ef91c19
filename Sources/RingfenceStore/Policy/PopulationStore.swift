import Foundation
import Logging
import PostgresNIO
import RingfenceCore

/// The people, hosts and repositories actually seen, as decision contexts, and the events
/// they produced — the input of an impact preview. Aggregation happens in PostgreSQL, over
/// the daily event rollups (`ringfence_event_counts`): events are read grouped, not one by one.
public struct PopulationStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "ringfence.population")) {
        self.client = client
        self.logger = logger
    }

    struct Host {
        var ring: Ring?
        var tags: [String]
        var users: [String]
    }

    /// Users × their hosts × repositories seen on those hosts since `since`.
    public func population(since: Date, at moment: Date) async throws -> [DecisionContext] {
        let (groups, roles, hosts) = try await facts()
        var repos: [UUID: [String]] = [:]
        let rows = try await client.query(
            "SELECT hr.host_id, r.slug FROM host_repos hr JOIN repos r ON r.id = hr.repo_id WHERE hr.last_seen >= \(since)",
            logger: logger)
        for try await (host, slug) in rows.decode((UUID, String).self) { repos[host, default: []].append(slug) }
        var contexts: [DecisionContext] = []
        for (hostID, slugs) in repos.sorted(by: { $0.key.uuidString < $1.key.uuidString }) {
            guard let host = hosts[hostID] else { continue }
            for user in host.users.sorted() {
                for slug in slugs.sorted() {
                    contexts.append(
                        DecisionContext(
                            user: user, groups: groups[user.lowercased()] ?? [], roles: roles[user.lowercased()] ?? [],
                            hostRing: host.ring, hostTags: host.tags, repo: slug, at: moment))
                }
            }
        }
        return contexts
    }

    /// Events since `since` that a rule matched, grouped by user, host, repository, rule and
    /// verdict, their contexts resolved at `moment`.
    public func recentEvents(since: Date, at moment: Date) async throws -> [ImpactPreview.ObservedEvents] {
        try await events(from: since, until: .distantFuture, users: nil, at: moment)
    }

    /// Events in [`from`, `until`) that a rule matched, of `users` (lower-cased names; nil:
    /// everyone), grouped by user, host, repository, rule and verdict, with each user's
    /// groups and roles and each host's ring and tags as they are now; their contexts are
    /// resolved at `moment`.
    public func events(from: Date, until: Date, users: [String]?, at moment: Date) async throws -> [ImpactPreview
        .ObservedEvents]
    {
        let (groups, roles, hosts) = try await facts()
        let everyone = users == nil
        let rows = try await client.query(
            """
            SELECT username, host_id, repo, surface, pack, rule_id, verdict, sum(events)::bigint
            FROM ringfence_event_counts(\(from), \(until))
            WHERE rule_id <> '' AND pack <> '' AND (\(everyone) OR lower(username) = ANY(\(users ?? [])))
            GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
            """, logger: logger)
        var result: [ImpactPreview.ObservedEvents] = []
        for try await (user, hostID, repo, surfaceName, pack, rule, verdictName, count)
            in rows.decode((String, UUID, String, String, String, String, String, Int).self)
        {
            guard let surface = Surface(rawValue: surfaceName), let verdict = Verdict(rawValue: verdictName) else {
                continue
            }
            let host = hosts[hostID]
            let context = DecisionContext(
                user: user, groups: groups[user.lowercased()] ?? [], roles: roles[user.lowercased()] ?? [],
                hostRing: host?.ring, hostTags: host?.tags ?? [], repo: repo.isEmpty ? nil : repo, at: moment)
            result.append(
                .init(context: context, pack: pack, ruleID: rule, surface: surface, verdict: verdict, count: count))
        }
        return result
    }

    /// Effective groups and roles per user name, and hosts. (Repository trust is not a
    /// fact of the database: each snapshot takes it from its own repositories.yaml, so a
    /// preview shows what a change of trust does too.)
    private func facts() async throws -> ([String: [String]], [String: [String]], [UUID: Host]) {
        var groups: [String: [String]] = [:]
        var rows = try await client.query(
            """
            SELECT lower(u.username), g.name FROM effective_memberships e
            JOIN directory_users u ON u.id = e.user_id AND u.deleted_at IS NULL
            JOIN directory_groups g ON g.id = e.group_id AND g.deleted_at IS NULL
            """, logger: logger)
        for try await (user, group) in rows.decode((String, String).self) { groups[user, default: []].append(group) }
        var roles: [String: [String]] = [:]
        rows = try await client.query(
            "SELECT lower(u.username), r.role FROM user_roles r JOIN directory_users u ON u.id = r.user_id AND u.deleted_at IS NULL",
            logger: logger)
        for try await (user, role) in rows.decode((String, String).self) { roles[user, default: []].append(role) }
        var hosts: [UUID: Host] = [:]
        let hostRows = try await client.query(
            "SELECT id, ring, tags, users FROM hosts WHERE retired_at IS NULL", logger: logger)
        for try await (id, ring, tags, users) in hostRows.decode((UUID, Int16?, [String], [String]).self) {
            hosts[id] = Host(ring: ring.flatMap { Ring(number: Int($0)) }, tags: tags, users: users)
        }
        return (groups, roles, hosts)
    }
}
