import Foundation
import Logging
import PostgresNIO
import RingfenceCore

/// The steps of writing one sync run's changes, on the connection of its transaction
/// (`DirectoryStore.apply`). It keeps the row ids of users and groups by their numbers in
/// the changes' `userIDs` and `groupIDs`, learning the ids of inserted rows, so
/// memberships and roles can refer to them.
struct DirectoryRunWriter {
    let connection: PostgresConnection
    let run: Int64
    let logger: Logger
    private let userIDs: NameTable
    private let groupIDs: NameTable
    private var userRowID: [Int64?]
    private var groupRowID: [Int64?]

    init(connection: PostgresConnection, run: Int64, state: DirectoryState, changes: DirectoryChanges, logger: Logger) {
        self.connection = connection
        self.run = run
        self.logger = logger
        userIDs = changes.userIDs
        groupIDs = changes.groupIDs
        userRowID = Array(repeating: nil, count: userIDs.count)
        groupRowID = Array(repeating: nil, count: groupIDs.count)
        // The changes' numbering extends the state's, whose numbers are positions.
        for (number, stored) in state.users.enumerated() { userRowID[number] = stored.id }
        for (number, stored) in state.groups.enumerated() { groupRowID[number] = stored.id }
    }

    private func rowID(member key: Membership) -> Int64? {
        key.memberIsGroup ? groupRowID[Int(key.member)] : userRowID[Int(key.member)]
    }

    /// Soft-deletes users and groups (rows stay for history).
    func markDeleted(users: [Int64], groups: [Int64]) async throws {
        if !users.isEmpty {
            try await connection.query(
                "UPDATE directory_users SET deleted_at = now(), last_seen_run = \(run), updated_at = now() WHERE id = ANY(\(users))",
                logger: logger)
        }
        if !groups.isEmpty {
            try await connection.query(
                "UPDATE directory_groups SET deleted_at = now(), last_seen_run = \(run), updated_at = now() WHERE id = ANY(\(groups))",
                logger: logger)
        }
    }

    /// Removes memberships, by the ids their rows had before any insert.
    func removeMemberships(_ removed: [Membership]) async throws {
        guard !removed.isEmpty else { return }
        try await connection.query(
            "CREATE TEMP TABLE sync_removed_members (group_id bigint, member_id bigint, is_group boolean) ON COMMIT DROP",
            logger: logger)
        try await connection.copyRows(
            into: "sync_removed_members", columns: ["group_id", "member_id", "is_group"], removed,
            logger: logger
        ) { encoder, key in
            encoder.field(groupRowID[Int(key.group)])
            encoder.field(rowID(member: key))
            encoder.field(key.memberIsGroup)
        }
        try await connection.query(
            """
            DELETE FROM group_members m USING sync_removed_members r
            WHERE m.group_id = r.group_id
              AND ((r.is_group AND m.member_group_id = r.member_id) OR (NOT r.is_group AND m.member_user_id = r.member_id))
            """, logger: logger)
    }

    func updateUsers(_ updates: [(id: Int64, row: UserRow)]) async throws {
        guard !updates.isEmpty else { return }
        try await connection.query(
            """
            CREATE TEMP TABLE sync_user_updates (id bigint, dn text, username text, email text, display_name text,
                                                disabled boolean, dn_key text) ON COMMIT DROP
            """, logger: logger)
        try await connection.copyRows(
            into: "sync_user_updates",
            columns: ["id", "dn", "username", "email", "display_name", "disabled", "dn_key"],
            updates, logger: logger
        ) { encoder, update in
            encoder.field(update.id)
            encoder.field(update.row.dn)
            encoder.field(update.row.username)
            encoder.field(update.row.email)
            encoder.field(update.row.displayName)
            encoder.field(update.row.disabled)
            encoder.field(update.row.dnKey)
        }
        try await connection.query(
            """
            UPDATE directory_users d SET dn = u.dn, username = u.username, email = u.email, display_name = u.display_name,
                disabled = u.disabled, dn_key = u.dn_key, last_seen_run = \(run), updated_at = now()
            FROM sync_user_updates u WHERE d.id = u.id
            """, logger: logger)
    }

    func updateGroups(_ updates: [(id: Int64, row: GroupRow)]) async throws {
        guard !updates.isEmpty else { return }
        try await connection.query(
            """
            CREATE TEMP TABLE sync_group_updates (id bigint, dn text, name text, description text, owners text[],
                                                 dn_key text) ON COMMIT DROP
            """,
            logger: logger)
        try await connection.copyRows(
            into: "sync_group_updates", columns: ["id", "dn", "name", "description", "owners", "dn_key"], updates,
            logger: logger
        ) { encoder, update in
            encoder.field(update.id)
            encoder.field(update.row.dn)
            encoder.field(update.row.name)
            encoder.field(update.row.description)
            encoder.field(array: update.row.owners)
            encoder.field(update.row.dnKey)
        }
        try await connection.query(
            """
            UPDATE directory_groups d SET dn = u.dn, name = u.name, description = u.description, owners = u.owners,
                dn_key = u.dn_key, last_seen_run = \(run), updated_at = now()
            FROM sync_group_updates u WHERE d.id = u.id
            """, logger: logger)
    }

    /// Inserts new users and learns their ids.
    mutating func insertUsers(_ rows: [UserRow]) async throws {
        guard !rows.isEmpty else { return }
        try await connection.copyRows(
            into: "directory_users",
            columns: [
                "external_id", "dn", "username", "email", "display_name", "disabled", "first_seen_run", "last_seen_run",
                "dn_key",
            ],
            rows, logger: logger
        ) { encoder, row in
            encoder.field(row.externalID)
            encoder.field(row.dn)
            encoder.field(row.username)
            encoder.field(row.email)
            encoder.field(row.displayName)
            encoder.field(row.disabled)
            encoder.field(run)
            encoder.field(run)
            encoder.field(row.dnKey)
        }
        for (external, id) in try await insertedIDs(table: "directory_users") {
            if let number = userIDs.existingNumber(external) { userRowID[Int(number)] = id }
        }
    }

    /// Inserts new groups and learns their ids.
    mutating func insertGroups(_ rows: [GroupRow]) async throws {
        guard !rows.isEmpty else { return }
        try await connection.copyRows(
            into: "directory_groups",
            columns: [
                "external_id", "dn", "name", "description", "owners", "first_seen_run", "last_seen_run", "dn_key",
            ],
            rows, logger: logger
        ) { encoder, row in
            encoder.field(row.externalID)
            encoder.field(row.dn)
            encoder.field(row.name)
            encoder.field(row.description)
            encoder.field(array: row.owners)
            encoder.field(run)
            encoder.field(run)
            encoder.field(row.dnKey)
        }
        for (external, id) in try await insertedIDs(table: "directory_groups") {
            if let number = groupIDs.existingNumber(external) { groupRowID[Int(number)] = id }
        }
    }

    func addMemberships(_ added: [Membership]) async throws {
        try await copy(
            into: "group_members", columns: ["group_id", "member_user_id", "member_group_id", "added_run"], added
        ) { encoder, key in
            encoder.field(groupRowID[Int(key.group)])
            encoder.field(key.memberIsGroup ? nil : userRowID[Int(key.member)])
            encoder.field(key.memberIsGroup ? groupRowID[Int(key.member)] : nil)
            encoder.field(run)
        }
    }

    func recordHistory(_ history: [MembershipChange]) async throws {
        try await copy(
            into: "membership_history", columns: ["sync_run_id", "change", "group_dn", "member_dn", "member_kind"],
            history
        ) { encoder, change in
            encoder.field(run)
            encoder.field(change.change.rawValue)
            encoder.field(change.groupDN)
            encoder.field(change.memberDN)
            encoder.field(change.memberIsGroup ? "group" : "user")
        }
    }

    /// Makes LDAP's users' roles those of `roles` (recomputed whole on each run), touching
    /// only the rows that differ, so `role_history` records real changes and not every role
    /// of every run.
    func replaceRoles(_ roles: [RoleRow]) async throws {
        try await connection.query(
            "CREATE TEMPORARY TABLE run_roles (user_id bigint, role text, source text) ON COMMIT DROP",
            logger: logger)
        try await connection.copyRows(
            into: "run_roles", columns: ["user_id", "role", "source"],
            roles.compactMap { role in userRowID(role.userExternalID).map { (role, $0) } }, logger: logger
        ) { encoder, pair in
            let (role, id) = pair
            encoder.field(id)
            encoder.field(role.role)
            encoder.field(role.source)
        }
        try await connection.query(
            """
            DELETE FROM user_roles r USING directory_users u
            WHERE u.id = r.user_id AND u.origin = 'ldap'
              AND NOT EXISTS (SELECT 1 FROM run_roles n WHERE n.user_id = r.user_id AND n.role = r.role AND n.source = r.source)
            """, logger: logger)
        try await connection.query(
            """
            INSERT INTO user_roles (user_id, role, source)
            SELECT DISTINCT user_id, role, source FROM run_roles ON CONFLICT DO NOTHING
            """, logger: logger)
    }

    /// Replaces the flattened memberships of LDAP's users (recomputed whole on each run):
    /// the whole table when no provider's users share it (TRUNCATE is cheap at any size).
    func replaceEffectiveMemberships(_ effective: EffectiveMemberships) async throws {
        let shared =
            try await connection.query(
                "SELECT EXISTS (SELECT 1 FROM directory_users WHERE origin <> 'ldap')", logger: logger
            ).decode(Bool.self).collect().first ?? false
        if shared {
            try await connection.query(
                "DELETE FROM effective_memberships WHERE user_id IN (SELECT id FROM directory_users WHERE origin = 'ldap')",
                logger: logger)
        } else {
            try await connection.query("TRUNCATE effective_memberships", logger: logger)
        }
        try await copy(into: "effective_memberships", columns: ["user_id", "group_id", "depth"], effective.rows) {
            encoder, row in
            encoder.field(userRowID[Int(row.user)])
            encoder.field(groupRowID[Int(row.group)])
            encoder.field(Int64(row.depth))
        }
    }

    /// A full run saw every live user and group: their `last_seen_run` is this run. Rows
    /// already written by this run are skipped (no second row version).
    func markAllSeen() async throws {
        for table in ["directory_users", "directory_groups"] {
            try await connection.query(
                """
                UPDATE \(unescaped: table) SET last_seen_run = \(run)
                WHERE deleted_at IS NULL AND origin = 'ldap' AND last_seen_run IS DISTINCT FROM \(run)
                """, logger: logger)
        }
    }

    private func userRowID(_ externalID: String) -> Int64? {
        userIDs.existingNumber(externalID).flatMap { userRowID[Int($0)] }
    }

    /// COPY into one of the run's tables; a load at least as large as the table (a first
    /// sync, a mass change) rebuilds the table's indexes and keys after it (`BulkLoad`).
    private func copy<Row>(
        into table: String, columns: [String], _ rows: some Collection<Row>,
        encode: (inout CopyTextEncoder, Row) -> Void
    ) async throws {
        let bulk = BulkLoad(connection: connection, logger: logger)
        if try await bulk.isWorthwhile(table: table, adding: rows.count) {
            logger.debug("bulk load", metadata: ["table": "\(table)", "rows": "\(rows.count)"])
            try await bulk.load(table: table) {
                try await connection.copyRows(into: table, columns: columns, rows, logger: logger, encode: encode)
            }
        } else {
            try await connection.copyRows(into: table, columns: columns, rows, logger: logger, encode: encode)
        }
    }

    /// External id → row id of the live rows this run inserted into `table` (a trusted
    /// identifier of this module).
    private func insertedIDs(table: String) async throws -> [String: Int64] {
        let rows = try await connection.query(
            "SELECT external_id, id FROM \(unescaped: table) WHERE first_seen_run = \(run) AND deleted_at IS NULL",
            logger: logger)
        return Dictionary(try await rows.decode((String, Int64).self).collect()) { _, last in last }
    }
}
