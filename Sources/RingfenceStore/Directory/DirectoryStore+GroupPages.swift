import Foundation
import Logging
import PostgresNIO
import RingfenceCore

/// The directory's groups a page at a time, for the admin API and the console: live groups
/// in name order from a keyset, with their active member counts (nested groups included,
/// from `effective_memberships`), optionally only the groups a person owns (the group's
/// `owner` DNs against the person's DN key).
extension DirectoryStore {
    /// Where a page of groups starts: after this lower-cased name and id.
    public struct GroupKey: Sendable, Equatable, Codable {
        public var name: String
        public var id: Int64

        public init(name: String, id: Int64) {
            self.name = name
            self.id = id
        }
    }

    /// One group of a page.
    public struct ListedGroup: Sendable, Equatable {
        public var id: Int64
        public var name: String
        public var dn: String
        public var description: String?
        /// Active members, nested groups included.
        public var members: Int
    }

    /// Up to `limit` live groups after `after`, whose name starts with `namePrefix`
    /// (without case) and, with `ownedBy`, that this user owns; and whether more follow.
    public func groups(namePrefix: String?, ownedBy user: String?, after: GroupKey?, limit: Int) async throws
        -> (groups: [ListedGroup], more: Bool)
    {
        let pattern = namePrefix.map { LikePattern.prefix($0.lowercased()) }
        let rows = try await client.query(
            """
            SELECT g.id, g.name, g.dn, g.description,
                (SELECT count(*) FROM effective_memberships e
                 JOIN directory_users u ON u.id = e.user_id AND u.deleted_at IS NULL AND NOT u.disabled
                 WHERE e.group_id = g.id)::bigint
            FROM directory_groups g
            WHERE g.deleted_at IS NULL
              AND (\(pattern)::text IS NULL OR lower(g.name) LIKE \(pattern) ESCAPE '\\')
              AND (\(user)::text IS NULL OR EXISTS (
                    SELECT 1 FROM unnest(g.owners) AS o(dn) JOIN directory_users u
                      ON coalesce(u.dn_key, lower(u.dn)) = lower(o.dn) AND u.deleted_at IS NULL AND NOT u.disabled
                    WHERE lower(u.username) = lower(\(user))))
              AND (\(after?.name)::text IS NULL OR (lower(g.name), g.id) > (\(after?.name), \(after?.id)::bigint))
            ORDER BY lower(g.name), g.id
            LIMIT \(limit + 1)
            """, logger: logger)
        var groups: [ListedGroup] = []
        for try await (id, name, dn, description, members) in rows.decode(
            (Int64, String, String, String?, Int64).self)
        {
            groups.append(ListedGroup(id: id, name: name, dn: dn, description: description, members: Int(members)))
        }
        let more = groups.count > limit
        if more { groups.removeLast() }
        return (groups, more)
    }

    /// The names of the live groups a user owns, by name.
    public func ownedGroups(user: String) async throws -> [String] {
        let rows = try await client.query(
            """
            SELECT DISTINCT g.name FROM directory_groups g
            WHERE g.deleted_at IS NULL AND EXISTS (
                SELECT 1 FROM unnest(g.owners) AS o(dn) JOIN directory_users u
                  ON coalesce(u.dn_key, lower(u.dn)) = lower(o.dn) AND u.deleted_at IS NULL AND NOT u.disabled
                WHERE lower(u.username) = lower(\(user)))
            ORDER BY g.name
            """, logger: logger)
        return try await rows.decode(String.self).collect()
    }

    /// One live group by name (without case; the oldest when several share it), with its
    /// owners (user names, or the DN when no active user has it) and its active members,
    /// nested groups included, by user name. Nil when there is no such group.
    public func group(named name: String) async throws -> (group: ListedGroup, owners: [String], members: [String])? {
        let rows = try await client.query(
            """
            SELECT g.id, g.name, g.dn, g.description,
                coalesce((SELECT array_agg(coalesce(u.username, o.dn) ORDER BY coalesce(u.username, o.dn))
                          FROM unnest(g.owners) AS o(dn)
                          LEFT JOIN directory_users u ON coalesce(u.dn_key, lower(u.dn)) = lower(o.dn)
                               AND u.deleted_at IS NULL AND NOT u.disabled), '{}'),
                coalesce((SELECT array_agg(u.username ORDER BY lower(u.username)) FROM effective_memberships e
                          JOIN directory_users u ON u.id = e.user_id AND u.deleted_at IS NULL AND NOT u.disabled
                          WHERE e.group_id = g.id), '{}')
            FROM directory_groups g
            WHERE g.deleted_at IS NULL AND lower(g.name) = lower(\(name))
            ORDER BY g.id LIMIT 1
            """, logger: logger)
        for try await (id, name, dn, description, owners, members) in rows.decode(
            (Int64, String, String, String?, [String], [String]).self)
        {
            return (
                ListedGroup(id: id, name: name, dn: dn, description: description, members: members.count), owners,
                members
            )
        }
        return nil
    }
}

extension DirectoryStore {
    /// What signing in needs of an active user, by user name without case: the DN to bind
    /// as, the user name as the directory spells it, the effective groups and whether they
    /// own a group. Nil when the mirror has no such active user.
    public func signInFacts(user: String) async throws -> (
        dn: String, username: String, groups: [String], ownsGroups: Bool
    )? {
        let rows = try await client.query(
            """
            SELECT u.dn, u.username,
                coalesce((SELECT array_agg(g.name ORDER BY g.name) FROM effective_memberships e
                          JOIN directory_groups g ON g.id = e.group_id AND g.deleted_at IS NULL WHERE e.user_id = u.id), '{}'),
                EXISTS (SELECT 1 FROM directory_groups g CROSS JOIN LATERAL unnest(g.owners) AS o(dn)
                        WHERE g.deleted_at IS NULL AND lower(o.dn) = coalesce(u.dn_key, lower(u.dn)))
            FROM directory_users u
            WHERE lower(u.username) = lower(\(user)) AND u.deleted_at IS NULL AND NOT u.disabled
            """, logger: logger)
        for try await (dn, username, groups, owns) in rows.decode((String, String, [String], Bool).self) {
            return (dn, username, groups, owns)
        }
        return nil
    }
}
