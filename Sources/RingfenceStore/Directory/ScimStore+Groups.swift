import Foundation
import Logging
import PostgresNIO
import RingfenceCore
import RingfenceSCIM

/// Groups of one SCIM provider: created with members, renamed, members added and removed
/// (as deltas: one member of a large group costs one row), deleted. Each change writes its
/// `membership_history` rows and refreshes the effective memberships of the users it
/// touches (nested groups flattened as for LDAP).
extension ScimStore {
    /// What a list of groups is narrowed to (each nil: any).
    public struct GroupLookup: Sendable, Equatable {
        public var id: UUID?
        public var displayName: String?
        public var externalId: String?
        public var contradictory = false

        public init() {}

        public init(equalities: [(attribute: ScimAttributePath, value: String)]) throws(ScimError) {
            let fields = try ScimStore.lookupFields(equalities, ["displayName", "externalId"], resource: "groups")
            id = fields.id
            displayName = fields.values["displayname"]
            externalId = fields.values["externalid"]
            contradictory = fields.contradictory
        }
    }

    /// Creates a group with its members (this provider's users and groups, by id). 409
    /// when a live group of this provider has its name, or any live group its external id.
    public func createGroup(_ group: ScimGroup, now: Date = Date()) async throws -> StoredGroup {
        let id = UUID()
        try await client.transaction(logger: logger) { connection in
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtext('scim group ' || \(origin) || lower(\(group.displayName))))",
                logger: logger)
            try await checkUnique(connection, group: group, except: nil)
            let dn = Self.groupDN(group.displayName, provider: provider)
            let rows = try await connection.query(
                """
                INSERT INTO directory_groups (dn, dn_key, name, external_id, origin, scim_id, scim_resource, created_at, updated_at)
                VALUES (\(dn), \(DistinguishedName.key(dn)), \(group.displayName), \(group.externalId), \(origin), \(id),
                    \(Self.resource(group))::jsonb, \(now), \(now))
                RETURNING id
                """, logger: logger)
            guard let rowID = try await rows.decode(Int64.self).collect().first else {
                throw PostgresStoreError("directory_groups insert returned no id")
            }
            var change = ScimGroupChange()
            change.added = group.members
            try await applyMembers(connection, groupRow: rowID, change: change, now: now)
        }
        guard let stored = try await self.group(id: id) else { throw ScimError.notFound("no group \(id)") }
        return stored
    }

    /// The group with this id, when it is this provider's and live, with its members.
    public func group(id: UUID, members: Bool = true) async throws -> StoredGroup? {
        var lookup = GroupLookup()
        lookup.id = id
        return try await groups(lookup, startIndex: 1, count: 1, members: members).resources.first
    }

    /// One page of the provider's live groups matching `lookup`, in creation order;
    /// without their members when `members` is false (`excludedAttributes=members`).
    public func groups(_ lookup: GroupLookup, startIndex: Int, count: Int, members: Bool = true) async throws
        -> Page<StoredGroup>
    {
        if lookup.contradictory { return Page(total: 0, resources: []) }
        let rows = try await client.query(
            """
            WITH matching AS (
                SELECT g.* FROM directory_groups g
                WHERE g.origin = \(origin) AND g.deleted_at IS NULL
                  AND (\(lookup.id)::uuid IS NULL OR g.scim_id = \(lookup.id))
                  AND (\(lookup.displayName)::text IS NULL OR lower(g.name) = lower(\(lookup.displayName)))
                  AND (\(lookup.externalId)::text IS NULL OR g.external_id = \(lookup.externalId))),
            page AS (SELECT * FROM matching ORDER BY id OFFSET \(max(1, startIndex) - 1) LIMIT \(max(0, count))),
            members AS (
                SELECT m.group_id, coalesce(u.scim_id, c.scim_id)::text || ' ' || coalesce(u.username, c.name) AS entry,
                    m.member_group_id IS NOT NULL AS is_group,
                    row_number() OVER (PARTITION BY m.group_id ORDER BY m.member_user_id NULLS LAST, m.member_group_id) AS n
                FROM group_members m JOIN page ON page.id = m.group_id AND \(members)
                LEFT JOIN directory_users u ON u.id = m.member_user_id AND u.deleted_at IS NULL
                LEFT JOIN directory_groups c ON c.id = m.member_group_id AND c.deleted_at IS NULL
                WHERE u.id IS NOT NULL OR c.id IS NOT NULL)
            SELECT t.total, p.scim_id, p.name, p.external_id, p.created_at, p.updated_at,
                coalesce((SELECT array_agg(entry ORDER BY n) FROM members WHERE group_id = p.id), '{}'),
                coalesce((SELECT array_agg(is_group ORDER BY n) FROM members WHERE group_id = p.id), '{}')
            FROM (SELECT count(*) AS total FROM matching) t LEFT JOIN page p ON true
            ORDER BY p.id
            """, logger: logger)
        var page = Page<StoredGroup>(total: 0, resources: [])
        for try await (total, id, name, externalID, created, modified, entries, isGroup) in rows.decode(
            (Int, UUID?, String?, String?, Date?, Date?, [String], [Bool]).self)
        {
            page.total = total
            guard let id, let name, let created, let modified else { continue }
            var references = Self.references(entries)
            for index in references.indices where index < isGroup.count {
                references[index].type = isGroup[index] ? "Group" : "User"
            }
            page.resources.append(
                StoredGroup(
                    id: id,
                    group: ScimGroup(displayName: name, externalId: externalID, members: references.map(\.value)),
                    created: created, lastModified: modified, members: references))
        }
        return page
    }

    /// Replaces a group (PUT): name, external id and the whole member list.
    public func replaceGroup(id: UUID, with group: ScimGroup, now: Date = Date()) async throws -> StoredGroup {
        var change = ScimGroupChange(displayName: group.displayName, externalId: .some(group.externalId))
        change.replacedMembers = group.members
        return try await modifyGroup(id: id, change, now: now)
    }

    /// Applies a PATCH's change to a group, under a lock on the group's row: concurrent
    /// changes of one group apply one after the other and lose no member.
    @discardableResult
    public func modifyGroup(id: UUID, _ change: ScimGroupChange, now: Date = Date()) async throws -> StoredGroup {
        try await client.transaction(logger: logger) { connection in
            let rows = try await connection.query(
                """
                SELECT id, name, external_id FROM directory_groups
                WHERE scim_id = \(id) AND origin = \(origin) AND deleted_at IS NULL FOR UPDATE
                """, logger: logger)
            guard let (rowID, name, externalID) = try await rows.decode((Int64, String, String?).self).collect().first
            else { throw ScimError.notFound("no group \(id.uuidString.lowercased())") }
            let renamed = ScimGroup(
                displayName: change.displayName ?? name, externalId: change.externalId ?? externalID, members: [])
            if renamed.displayName != name || renamed.externalId != externalID {
                try await checkUnique(connection, group: renamed, except: rowID)
                let dn = Self.groupDN(renamed.displayName, provider: provider)
                try await connection.query(
                    """
                    UPDATE directory_groups SET dn = \(dn), dn_key = \(DistinguishedName.key(dn)), name = \(renamed.displayName),
                        external_id = \(renamed.externalId), scim_resource = \(Self.resource(renamed))::jsonb
                    WHERE id = \(rowID)
                    """, logger: logger)
            }
            try await applyMembers(connection, groupRow: rowID, change: change, now: now)
            try await connection.query(
                "UPDATE directory_groups SET updated_at = \(now) WHERE id = \(rowID)", logger: logger)
        }
        guard let stored = try await group(id: id) else { throw ScimError.notFound("no group \(id)") }
        return stored
    }

    /// Deletes a group: its memberships (both ways) go, with history; the users that were
    /// in it, directly or through nesting, have their effective memberships refreshed.
    public func deleteGroup(id: UUID, now: Date = Date()) async throws {
        try await client.transaction(logger: logger) { connection in
            let rows = try await connection.query(
                """
                SELECT id FROM directory_groups WHERE scim_id = \(id) AND origin = \(origin) AND deleted_at IS NULL FOR UPDATE
                """, logger: logger)
            guard let rowID = try await rows.decode(Int64.self).collect().first else {
                throw ScimError.notFound("no group \(id.uuidString.lowercased())")
            }
            try await guardRemovals(connection, .groups, 1)
            let affected = try await usersUnder(connection, groups: [rowID])
            try await connection.query(
                """
                INSERT INTO membership_history (origin, at, change, group_dn, member_dn, member_kind)
                SELECT \(origin), \(now), 'removed', g.dn, coalesce(u.dn, c.dn), CASE WHEN u.id IS NULL THEN 'group' ELSE 'user' END
                FROM group_members m JOIN directory_groups g ON g.id = m.group_id
                LEFT JOIN directory_users u ON u.id = m.member_user_id LEFT JOIN directory_groups c ON c.id = m.member_group_id
                WHERE m.group_id = \(rowID) OR m.member_group_id = \(rowID)
                """, logger: logger)
            try await connection.query(
                "DELETE FROM group_members WHERE group_id = \(rowID) OR member_group_id = \(rowID)", logger: logger)
            try await connection.query(
                "UPDATE directory_groups SET deleted_at = \(now), updated_at = \(now) WHERE id = \(rowID)",
                logger: logger)
            try await refreshEffective(connection, users: affected)
        }
    }

    // MARK: Inside

    func checkUnique(_ connection: PostgresConnection, group: ScimGroup, except rowID: Int64?) async throws {
        let rows = try await connection.query(
            """
            SELECT lower(name) = lower(\(group.displayName)) AND origin = \(origin) FROM directory_groups
            WHERE deleted_at IS NULL AND id IS DISTINCT FROM \(rowID)
              AND ((origin = \(origin) AND lower(name) = lower(\(group.displayName)))
                   OR (\(group.externalId)::text IS NOT NULL AND external_id = \(group.externalId)))
            LIMIT 1
            """, logger: logger)
        for try await sameName in rows.decode(Bool.self) {
            throw ScimError.uniqueness(
                sameName
                    ? "a group named \(group.displayName) exists"
                    : "a group with externalId \(group.externalId ?? "") exists")
        }
    }

    /// Adds and removes members (resolving ids among the provider's live users and groups;
    /// an unknown id is a 400), writes history for what actually changed and refreshes the
    /// effective memberships of the users it touches.
    func applyMembers(_ connection: PostgresConnection, groupRow: Int64, change: ScimGroupChange, now: Date)
        async throws
    {
        var added = change.added
        var removed = change.removed
        if let replaced = change.replacedMembers {
            let current = try await connection.query(
                """
                SELECT coalesce(u.scim_id, c.scim_id)::text FROM group_members m
                LEFT JOIN directory_users u ON u.id = m.member_user_id LEFT JOIN directory_groups c ON c.id = m.member_group_id
                WHERE m.group_id = \(groupRow)
                """, logger: logger
            ).decode(String?.self).collect().compactMap { $0 }
            let wanted = Set(replaced.map { $0.lowercased() })
            removed += current.filter { !wanted.contains($0.lowercased()) }
            added = replaced + added
        }
        guard !added.isEmpty || !removed.isEmpty else { return }
        let addedIDs = try Self.uuids(added)
        let removedIDs = try Self.uuids(removed)
        // Which ids are this provider's users and groups.
        let known = try await connection.query(
            """
            SELECT scim_id, id, false FROM directory_users WHERE scim_id = ANY(\(addedIDs + removedIDs)) AND origin = \(origin) AND deleted_at IS NULL
            UNION ALL
            SELECT scim_id, id, true FROM directory_groups WHERE scim_id = ANY(\(addedIDs + removedIDs)) AND origin = \(origin) AND deleted_at IS NULL
            """, logger: logger
        ).decode((UUID, Int64, Bool).self).collect()
        var rowOf: [UUID: (id: Int64, isGroup: Bool)] = [:]
        for (scimID, rowID, isGroup) in known { rowOf[scimID] = (rowID, isGroup) }
        let unknown = addedIDs.filter { rowOf[$0] == nil }
        guard unknown.isEmpty else {
            throw ScimError.invalidValue(
                "no user or group of this provider has the id \(unknown.prefix(3).map { $0.uuidString.lowercased() }.joined(separator: ", "))"
            )
        }
        if addedIDs.contains(where: { rowOf[$0]?.isGroup == true && rowOf[$0]?.id == groupRow }) {
            throw ScimError.invalidValue("a group cannot be a member of itself")
        }
        func split(_ ids: [UUID]) -> (users: [Int64], groups: [Int64]) {
            let rows = ids.compactMap { rowOf[$0] }
            return (rows.filter { !$0.isGroup }.map(\.id), rows.filter(\.isGroup).map(\.id))
        }
        let (removeUsers, removeGroups) = split(removedIDs)
        let (addUsers, addGroups) = split(addedIDs)
        let removing =
            try await connection.query(
                """
                SELECT count(*) FROM group_members WHERE group_id = \(groupRow)
                  AND (member_user_id = ANY(\(removeUsers)) OR member_group_id = ANY(\(removeGroups)))
                """, logger: logger
            ).decode(Int64.self).collect().first ?? 0
        try await guardRemovals(connection, .memberships, Int(removing))
        let before = try await usersUnder(connection, groups: removeGroups)
        // Removed first (a replace removes what it does not list), then added; history
        // only for rows that changed.
        try await connection.query(
            """
            WITH gone AS (
                DELETE FROM group_members WHERE group_id = \(groupRow)
                  AND (member_user_id = ANY(\(removeUsers)) OR member_group_id = ANY(\(removeGroups)))
                RETURNING member_user_id, member_group_id)
            INSERT INTO membership_history (origin, at, change, group_dn, member_dn, member_kind)
            SELECT \(origin), \(now), 'removed', (SELECT dn FROM directory_groups WHERE id = \(groupRow)),
                coalesce(u.dn, c.dn), CASE WHEN gone.member_user_id IS NULL THEN 'group' ELSE 'user' END
            FROM gone LEFT JOIN directory_users u ON u.id = gone.member_user_id
            LEFT JOIN directory_groups c ON c.id = gone.member_group_id
            ORDER BY 5
            """, logger: logger)
        try await connection.query(
            """
            WITH new AS (
                INSERT INTO group_members (group_id, member_user_id, member_group_id)
                SELECT \(groupRow), u, NULL FROM unnest(\(addUsers)) AS u
                UNION ALL
                SELECT \(groupRow), NULL, g FROM unnest(\(addGroups)) AS g
                ON CONFLICT DO NOTHING
                RETURNING member_user_id, member_group_id)
            INSERT INTO membership_history (origin, at, change, group_dn, member_dn, member_kind)
            SELECT \(origin), \(now), 'added', (SELECT dn FROM directory_groups WHERE id = \(groupRow)),
                coalesce(u.dn, c.dn), CASE WHEN new.member_user_id IS NULL THEN 'group' ELSE 'user' END
            FROM new LEFT JOIN directory_users u ON u.id = new.member_user_id
            LEFT JOIN directory_groups c ON c.id = new.member_group_id
            ORDER BY 5
            """, logger: logger)
        let after = try await usersUnder(connection, groups: addGroups)
        try await refreshEffective(connection, users: removeUsers + addUsers + before + after)
    }

    static func uuids(_ ids: [String]) throws(ScimError) -> [UUID] {
        var result: [UUID] = []
        for id in ids {
            guard let uuid = UUID(uuidString: id) else {
                throw ScimError.invalidValue("\(id.prefix(60)) is not the id of a user or group of this service")
            }
            result.append(uuid)
        }
        return result
    }

    /// The users in `groups`, directly or through nesting (as the effective memberships
    /// say now).
    func usersUnder(_ connection: PostgresConnection, groups: [Int64]) async throws -> [Int64] {
        guard !groups.isEmpty else { return [] }
        return try await connection.query(
            "SELECT DISTINCT user_id FROM effective_memberships WHERE group_id = ANY(\(groups))", logger: logger
        ).decode(Int64.self).collect()
    }

    /// Recomputes the effective memberships of `users` from the direct ones: every group
    /// reached upwards through nesting, at its shortest depth (cycles end at 32 levels).
    func refreshEffective(_ connection: PostgresConnection, users: [Int64]) async throws {
        let users = Array(Set(users))
        guard !users.isEmpty else { return }
        try await connection.query("DELETE FROM effective_memberships WHERE user_id = ANY(\(users))", logger: logger)
        try await connection.query(
            """
            INSERT INTO effective_memberships (user_id, group_id, depth)
            WITH RECURSIVE up(user_id, group_id, depth) AS (
                SELECT m.member_user_id, m.group_id, 0 FROM group_members m
                JOIN directory_groups g ON g.id = m.group_id AND g.deleted_at IS NULL
                WHERE m.member_user_id = ANY(\(users))
                UNION
                SELECT up.user_id, m.group_id, up.depth + 1 FROM up
                JOIN group_members m ON m.member_group_id = up.group_id
                JOIN directory_groups g ON g.id = m.group_id AND g.deleted_at IS NULL
                WHERE up.depth < 32)
            SELECT user_id, group_id, min(depth) FROM up GROUP BY user_id, group_id
            """, logger: logger)
    }

    static func resource(_ group: ScimGroup) -> String {
        var members: [String: ScimJSON] = ["displayName": .string(group.displayName)]
        if let externalId = group.externalId { members["externalId"] = .string(externalId) }
        return String(decoding: ScimJSON.object(members).bytes, as: UTF8.self)
    }
}
