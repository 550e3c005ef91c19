import Foundation
import PostgresNIO
import RingfenceCore

extension DirectoryStore {
    /// A user's groups and roles as the directory mirror held them at `moment`, replayed
    /// from `membership_history` and `role_history` (``HistoryReplay``): what FetchPolicy
    /// would have read then. Nil when no user of that name existed then (deleted before
    /// it; a user first seen after it replays to no groups).
    ///
    /// When nothing that can reach the user changed since `moment`, the groups are read
    /// from `effective_memberships` as ``facts(user:)`` reads them; otherwise the direct
    /// memberships are replayed and nested again (``NestedMembership``). Whether the user
    /// was disabled is not kept in history: today's flag is used.
    public func facts(user: String, at moment: Date) async throws -> (groups: [String], roles: [String])? {
        let users = try await client.query(
            """
            SELECT id, dn, disabled FROM directory_users
            WHERE lower(username) = lower(\(user)) AND (deleted_at IS NULL OR deleted_at > \(moment))
            ORDER BY deleted_at IS NULL DESC, deleted_at DESC LIMIT 1
            """, logger: logger)
        var found: (Int64, String, Bool)?
        for try await row in users.decode((Int64, String, Bool).self) { found = row }
        guard let (rowID, dn, disabled) = found, !disabled else { return nil }
        let userKey = Self.key(dn)

        let changes = try await membershipChanges(userDN: dn, userKey: userKey, since: moment)
        let groups: [String]
        if changes.isEmpty {
            groups = try await effectiveGroups(userRowID: rowID)
        } else {
            let edges = HistoryReplay.before(current: try await directEdges(userRowID: rowID), changes: changes)
            groups = try await groupNames(keys: NestedMembership(edges).groups(of: userKey))
        }
        return (groups, try await roles(userRowID: rowID, at: moment))
    }

    static func key(_ dn: String) -> String { DistinguishedName.key(dn) ?? dn.lowercased() }

    /// Membership changes after `moment` that can reach the user: its own, and every
    /// group-in-group change (nesting), oldest first.
    private func membershipChanges(userDN: String, userKey: String, since moment: Date) async throws
        -> [HistoryReplay.Change<NestedMembership.Edge>]
    {
        let rows = try await client.query(
            """
            SELECT change, group_dn, member_dn, member_kind FROM membership_history
            WHERE at > \(moment) AND (member_kind = 'group' OR lower(member_dn) = lower(\(userDN)))
            ORDER BY at, id
            """, logger: logger)
        var changes: [HistoryReplay.Change<NestedMembership.Edge>] = []
        for try await (change, group, member, kind) in rows.decode((String, String, String, String).self) {
            let isGroup = kind == "group"
            let memberKey = Self.key(member)
            guard isGroup || memberKey == userKey else { continue }
            changes.append(
                .init(
                    NestedMembership.Edge(group: Self.key(group), member: memberKey, memberIsGroup: isGroup),
                    added: change == "added"))
        }
        return changes
    }

    /// The user's direct memberships and every group-in-group membership now.
    private func directEdges(userRowID: Int64) async throws -> Set<NestedMembership.Edge> {
        let rows = try await client.query(
            """
            SELECT g.dn, coalesce(mu.dn, mg.dn), gm.member_group_id IS NOT NULL
            FROM group_members gm
            JOIN directory_groups g ON g.id = gm.group_id
            LEFT JOIN directory_users mu ON mu.id = gm.member_user_id
            LEFT JOIN directory_groups mg ON mg.id = gm.member_group_id
            WHERE gm.member_group_id IS NOT NULL OR gm.member_user_id = \(userRowID)
            """, logger: logger)
        var edges: Set<NestedMembership.Edge> = []
        for try await (group, member, isGroup) in rows.decode((String, String, Bool).self) {
            edges.insert(.init(group: Self.key(group), member: Self.key(member), memberIsGroup: isGroup))
        }
        return edges
    }

    private func effectiveGroups(userRowID: Int64) async throws -> [String] {
        let rows = try await client.query(
            """
            SELECT g.name FROM effective_memberships e
            JOIN directory_groups g ON g.id = e.group_id AND g.deleted_at IS NULL
            WHERE e.user_id = \(userRowID) ORDER BY g.name
            """, logger: logger)
        return try await rows.decode(String.self).collect()
    }

    /// The names of groups by DN key; a group deleted since keeps the name it had.
    private func groupNames(keys: Set<String>) async throws -> [String] {
        guard !keys.isEmpty else { return [] }
        // Rows written before dn_key existed (migration 009) have none until the next sync.
        let rows = try await client.query(
            """
            SELECT dn, name FROM directory_groups WHERE dn_key = ANY(\(Array(keys))) OR dn_key IS NULL
            ORDER BY deleted_at IS NULL, deleted_at
            """, logger: logger)
        var names: [String: String] = [:]
        for try await (dn, name) in rows.decode((String, String).self) {
            let key = Self.key(dn)
            if keys.contains(key) { names[key] = name }  // live rows come last and win
        }
        return Set(names.values).sorted()
    }

    private func roles(userRowID: Int64, at moment: Date) async throws -> [String] {
        struct Grant: Hashable { var role: String, source: String }
        let now = try await client.query(
            "SELECT role, source FROM user_roles WHERE user_id = \(userRowID)", logger: logger)
        var current: Set<Grant> = []
        for try await (role, source) in now.decode((String, String).self) {
            current.insert(Grant(role: role, source: source))
        }
        let history = try await client.query(
            """
            SELECT change, role, source FROM role_history WHERE user_id = \(userRowID) AND at > \(moment)
            ORDER BY at, id
            """, logger: logger)
        var changes: [HistoryReplay.Change<Grant>] = []
        for try await (change, role, source) in history.decode((String, String, String).self) {
            changes.append(.init(Grant(role: role, source: source), added: change == "added"))
        }
        return Set(HistoryReplay.before(current: current, changes: changes).map(\.role)).sorted()
    }
}
