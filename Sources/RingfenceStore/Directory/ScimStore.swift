import Foundation
import Logging
import PostgresNIO
import RingfenceCore
import RingfenceSCIM

/// The directory mirror as one SCIM provider writes it: its users and groups (origin
/// `scim:<provider>`), in the same tables as LDAP's, with the same history
/// (`membership_history` rows per member added or removed) and effective memberships kept
/// current after every change. Every change is one transaction; a group's row is locked
/// while its members change, so concurrent PATCHes of one group lose nothing.
///
/// Errors a client caused are `ScimError`s (404 for another provider's or a deleted
/// resource, 409 `uniqueness` for a name or external id already live).
public struct ScimStore: Sendable {
    let client: PostgresClient
    let logger: Logger
    /// The provider (a SCIM token's) whose resources these are.
    public let provider: String
    /// Holds changes that remove too much at once; nil applies everything (an operator's
    /// release).
    public let burstGuard: ScimBurstGuard?

    public init(
        client: PostgresClient, provider: String, burstGuard: ScimBurstGuard? = nil,
        logger: Logger = Logger(label: "ringfence.scim.store")
    ) {
        self.client = client
        self.provider = provider
        self.burstGuard = burstGuard
        self.logger = logger
    }

    var origin: String { "scim:" + provider }

    /// A stored user: the resource and what `meta` needs.
    public struct StoredUser: Sendable, Equatable {
        public var id: UUID
        public var user: ScimUser
        public var created: Date
        public var lastModified: Date
        /// The groups the user is a direct member of (id and name).
        public var groups: [ScimReference]
    }

    /// A stored group with its direct members (users and groups, by SCIM id).
    public struct StoredGroup: Sendable, Equatable {
        public var id: UUID
        public var group: ScimGroup
        public var created: Date
        public var lastModified: Date
        public var members: [ScimReference]
    }

    /// One page of a list, and how many match in all.
    public struct Page<Resource: Sendable>: Sendable {
        public var total: Int
        public var resources: [Resource]
    }

    // MARK: Users

    /// Creates a user. 409 when a live user (of any origin) has its user name, or its
    /// external id.
    public func createUser(_ user: ScimUser, now: Date = Date()) async throws -> StoredUser {
        let id = UUID()
        try await client.transaction(logger: logger) { connection in
            // Creates of one name wait for each other, so the second sees the first (a 409).
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtext('scim user ' || lower(\(user.userName))))", logger: logger)
            try await Self.checkUnique(connection, user: user, except: nil, logger: logger)
            let dn = Self.userDN(user.userName, provider: provider)
            try await connection.query(
                """
                INSERT INTO directory_users (dn, dn_key, username, email, display_name, disabled, external_id, origin,
                    scim_id, scim_resource, created_at, updated_at)
                VALUES (\(dn), \(DistinguishedName.key(dn)), \(user.userName), \(Self.email(user)), \(Self.display(user)),
                    \(user.active == false), \(user.externalId), \(origin), \(id), \(Self.resource(user))::jsonb, \(now), \(now))
                """, logger: logger)
            try await Self.replaceRoles(connection, userID: id, roles: user.roles, logger: logger)
        }
        return StoredUser(id: id, user: user, created: now, lastModified: now, groups: [])
    }

    /// What a list of users is narrowed to: the attributes a provider looks users up by
    /// (each nil: any). Text compares as SCIM says: user and display names ignoring case,
    /// external ids exactly.
    public struct UserLookup: Sendable, Equatable {
        public var id: UUID?
        public var userName: String?
        public var externalId: String?
        public var displayName: String?
        /// Two different values asked for one attribute: nothing matches.
        public var contradictory = false

        public init() {}

        /// The lookup of a filter's equalities; `invalidFilter` for another attribute.
        public init(equalities: [(attribute: ScimAttributePath, value: String)]) throws(ScimError) {
            let fields = try ScimStore.lookupFields(
                equalities, ["userName", "externalId", "displayName"], resource: "users")
            id = fields.id
            userName = fields.values["username"]
            externalId = fields.values["externalid"]
            displayName = fields.values["displayname"]
            contradictory = fields.contradictory
        }
    }

    /// The values a filter's equalities give each of `attributes` (by lower-cased name)
    /// and `id`; contradictory when one is asked for two values (or `id` is no UUID).
    static func lookupFields(
        _ equalities: [(attribute: ScimAttributePath, value: String)], _ attributes: [String], resource: String
    ) throws(ScimError) -> (values: [String: String], id: UUID?, contradictory: Bool) {
        var values: [String: String] = [:]
        var contradictory = false
        for (attribute, value) in equalities {
            guard let name = (attributes + ["id"]).first(where: { attribute.names($0) })?.lowercased() else {
                throw ScimError.invalidFilter(
                    "\(resource) are filtered by \((attributes + ["id"]).joined(separator: ", ")) (eq, and)")
            }
            if let existing = values[name], existing.lowercased() != value.lowercased() { contradictory = true }
            values[name] = value
        }
        var id: UUID?
        if let text = values["id"] {
            id = UUID(uuidString: text)
            if id == nil { contradictory = true }
        }
        return (values, id, contradictory)
    }

    /// The user with this id, when it is this provider's and live.
    public func user(id: UUID) async throws -> StoredUser? {
        var lookup = UserLookup()
        lookup.id = id
        return try await users(lookup, startIndex: 1, count: 1).resources.first
    }

    /// One page of the provider's live users matching `lookup`, in creation order, and
    /// how many match in all (also past the last page).
    public func users(_ lookup: UserLookup, startIndex: Int, count: Int) async throws -> Page<StoredUser> {
        if lookup.contradictory { return Page(total: 0, resources: []) }
        let rows = try await client.query(
            """
            WITH matching AS (
                SELECT u.* FROM directory_users u
                WHERE u.origin = \(origin) AND u.deleted_at IS NULL
                  AND (\(lookup.id)::uuid IS NULL OR u.scim_id = \(lookup.id))
                  AND (\(lookup.userName)::text IS NULL OR lower(u.username) = lower(\(lookup.userName)))
                  AND (\(lookup.externalId)::text IS NULL OR u.external_id = \(lookup.externalId))
                  AND (\(lookup.displayName)::text IS NULL OR lower(u.display_name) = lower(\(lookup.displayName))))
            SELECT t.total, p.scim_id, p.scim_resource::text, p.created_at, p.updated_at, p.groups
            FROM (SELECT count(*) AS total FROM matching) t
            LEFT JOIN LATERAL (
                SELECT m.id, m.scim_id, m.scim_resource, m.created_at, m.updated_at,
                    coalesce((SELECT array_agg(g.scim_id::text || ' ' || g.name ORDER BY g.name) FROM group_members gm
                              JOIN directory_groups g ON g.id = gm.group_id AND g.deleted_at IS NULL
                              WHERE gm.member_user_id = m.id), '{}') AS groups
                FROM matching m ORDER BY m.id OFFSET \(max(1, startIndex) - 1) LIMIT \(max(0, count))) p ON true
            ORDER BY p.id
            """, logger: logger)
        var page = Page<StoredUser>(total: 0, resources: [])
        for try await (total, id, resource, created, modified, groups) in rows.decode(
            (Int, UUID?, String?, Date?, Date?, [String]?).self)
        {
            page.total = total
            guard let id, let resource, let created, let modified else { continue }
            page.resources.append(
                StoredUser(
                    id: id, user: try ScimUser(json: try ScimJSON.parse(Array(resource.utf8))), created: created,
                    lastModified: modified, groups: Self.references(groups ?? [])))
        }
        return page
    }

    /// "id name" pairs as references.
    static func references(_ entries: [String]) -> [ScimReference] {
        entries.map { entry in
            let parts = entry.split(separator: " ", maxSplits: 1)
            return ScimReference(value: String(parts[0]), display: parts.count > 1 ? String(parts[1]) : nil)
        }
    }

    /// Replaces a user's attributes (PUT, or the result of a PATCH read under lock by
    /// `modifyUser`).
    public func replaceUser(id: UUID, with user: ScimUser, now: Date = Date()) async throws -> StoredUser {
        try await modifyUser(id: id, now: now) { _ in user }
    }

    /// Changes a user under a row lock: `change` gets the stored user and returns the new one.
    public func modifyUser(
        id: UUID, now: Date = Date(), _ change: @Sendable (ScimUser) throws -> ScimUser
    ) async throws -> StoredUser {
        try await client.transaction(logger: logger) { connection in
            guard let (rowID, current) = try await lockedUser(connection, id: id) else {
                throw ScimError.notFound("no user \(id.uuidString.lowercased())")
            }
            let user = try change(current)
            if current.active != false && user.active == false { try await guardRemovals(connection, .users, 1) }
            try await Self.checkUnique(connection, user: user, except: rowID, logger: logger)
            let dn = Self.userDN(user.userName, provider: provider)
            try await connection.query(
                """
                UPDATE directory_users SET dn = \(dn), dn_key = \(DistinguishedName.key(dn)), username = \(user.userName),
                    email = \(Self.email(user)), display_name = \(Self.display(user)), disabled = \(user.active == false),
                    external_id = \(user.externalId), scim_resource = \(Self.resource(user))::jsonb, updated_at = \(now)
                WHERE id = \(rowID)
                """, logger: logger)
            try await Self.replaceRoles(connection, userID: id, roles: user.roles, logger: logger)
        }
        guard let stored = try await user(id: id) else {
            throw ScimError.notFound("no user \(id.uuidString.lowercased())")
        }
        return stored
    }

    /// Deletes a user: gone from the mirror (kept as a deleted row), out of every group
    /// with history.
    public func deleteUser(id: UUID, now: Date = Date()) async throws {
        try await client.transaction(logger: logger) { connection in
            guard let (rowID, current) = try await lockedUser(connection, id: id) else {
                throw ScimError.notFound("no user \(id.uuidString.lowercased())")
            }
            // A user deactivated before was counted then.
            if current.active != false { try await guardRemovals(connection, .users, 1) }
            try await connection.query(
                """
                INSERT INTO membership_history (origin, at, change, group_dn, member_dn, member_kind)
                SELECT \(origin), \(now), 'removed', g.dn, u.dn, 'user'
                FROM group_members m JOIN directory_groups g ON g.id = m.group_id JOIN directory_users u ON u.id = m.member_user_id
                WHERE m.member_user_id = \(rowID)
                """, logger: logger)
            try await connection.query("DELETE FROM group_members WHERE member_user_id = \(rowID)", logger: logger)
            try await connection.query("DELETE FROM effective_memberships WHERE user_id = \(rowID)", logger: logger)
            try await connection.query("DELETE FROM user_roles WHERE user_id = \(rowID)", logger: logger)
            try await connection.query(
                "UPDATE directory_users SET deleted_at = \(now), updated_at = \(now) WHERE id = \(rowID)",
                logger: logger)
        }
    }

    // MARK: Users, inside

    func lockedUser(_ connection: PostgresConnection, id: UUID) async throws -> (Int64, ScimUser)? {
        let rows = try await connection.query(
            """
            SELECT id, scim_resource::text FROM directory_users
            WHERE scim_id = \(id) AND origin = \(origin) AND deleted_at IS NULL FOR UPDATE
            """, logger: logger)
        for try await (rowID, resource) in rows.decode((Int64, String).self) {
            return (rowID, try ScimUser(json: try ScimJSON.parse(Array(resource.utf8))))
        }
        return nil
    }

    static func checkUnique(_ connection: PostgresConnection, user: ScimUser, except rowID: Int64?, logger: Logger)
        async throws
    {
        let rows = try await connection.query(
            """
            SELECT lower(username) = lower(\(user.userName)) FROM directory_users
            WHERE deleted_at IS NULL AND id IS DISTINCT FROM \(rowID)
              AND (lower(username) = lower(\(user.userName)) OR (\(user.externalId)::text IS NOT NULL AND external_id = \(user.externalId)))
            LIMIT 1
            """, logger: logger)
        for try await sameName in rows.decode(Bool.self) {
            throw ScimError.uniqueness(
                sameName
                    ? "a user named \(user.userName) exists" : "a user with externalId \(user.externalId ?? "") exists")
        }
    }

    static func replaceRoles(_ connection: PostgresConnection, userID: UUID, roles: [String], logger: Logger)
        async throws
    {
        // Only the roles that differ are written, so role_history holds real changes.
        let names = DecisionContext.normalized(roles)
        try await connection.query(
            """
            DELETE FROM user_roles WHERE source = 'attribute' AND NOT role = ANY(\(names))
              AND user_id = (SELECT id FROM directory_users WHERE scim_id = \(userID))
            """, logger: logger)
        guard !names.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO user_roles (user_id, role, source)
            SELECT (SELECT id FROM directory_users WHERE scim_id = \(userID)), r, 'attribute' FROM unnest(\(names)) AS r
            ON CONFLICT DO NOTHING
            """, logger: logger)
    }

    static func userDN(_ userName: String, provider: String) -> String {
        "uid=\(DistinguishedName.escape(userName)),ou=\(DistinguishedName.escape(provider)),ou=scim"
    }

    static func groupDN(_ name: String, provider: String) -> String {
        "cn=\(DistinguishedName.escape(name)),ou=\(DistinguishedName.escape(provider)),ou=scim"
    }

    static func email(_ user: ScimUser) -> String? {
        (user.emails.first { $0.primary } ?? user.emails.first)?.value
    }

    static func display(_ user: ScimUser) -> String? {
        user.displayName ?? user.formattedName
            ?? ([user.givenName, user.familyName].compactMap { $0 }.joined(separator: " ")).nilIfEmpty
    }

    static func resource(_ user: ScimUser) -> String {
        let json = user.json(
            id: "",
            meta: ScimMeta(
                resourceType: "User", created: .distantPast, lastModified: .distantPast, location: "", version: ""))
        guard case .object(var members) = json else { return "{}" }
        members["id"] = nil
        members["meta"] = nil
        return String(decoding: ScimJSON.object(members).bytes, as: UTF8.self)
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
