import Foundation
import Logging
import PostgresNIO
import RingfenceCore

/// Reads and writes the directory mirror: users, groups, memberships, roles, effective
/// memberships, membership history and sync runs.
///
/// `apply` writes a run's changes **and** marks the run succeeded in one transaction: a
/// run that fails part-way leaves the previous state exactly as it was. Large sets go
/// through COPY.
public struct DirectoryStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "ringfence.directory.store")) {
        self.client = client
        self.logger = logger
    }

    // MARK: - Sync runs

    /// A finished or running sync, as recorded.
    public struct Run: Sendable, Equatable {
        public var id: Int64
        public var status: String
        public var mode: String
        public var highWatermark: String?
        public var error: String?
    }

    /// Counts stored with a run.
    public struct RunCounts: Sendable, Equatable {
        public var usersAdded = 0, usersUpdated = 0, usersRemoved = 0
        public var groupsAdded = 0, groupsUpdated = 0, groupsRemoved = 0
        public var membersAdded = 0, membersRemoved = 0
        public var rolesChanged = 0, entriesRejected = 0
        public init() {}
    }

    /// Records the start of a run (committed at once, so even a crash leaves a trace).
    public func startRun(mode: String, source: String) async throws -> Int64 {
        let rows = try await client.query(
            "INSERT INTO sync_runs (mode, source) VALUES (\(mode), \(source)) RETURNING id", logger: logger)
        for try await id in rows.decode(Int64.self) { return id }
        throw PostgresStoreError("sync_runs insert returned no id")
    }

    /// Marks a run failed, refused or dry-run, with counts and the reason.
    public func finishRun(id: Int64, status: String, counts: RunCounts, error: String?, warnings: [String]) async throws {
        try await client.withConnection { connection in
            try await Self.finish(connection, id: id, status: status, counts: counts, error: error, warnings: warnings,
                                  highWatermark: nil, logger: logger)
        }
    }

    /// The latest run with this status, if any.
    public func lastRun(status: String = "succeeded") async throws -> Run? {
        try await firstRun(
            "SELECT id, status, mode, high_watermark, error FROM sync_runs WHERE status = \(status) ORDER BY id DESC LIMIT 1")
    }

    /// A run by id.
    public func run(id: Int64) async throws -> Run? {
        try await firstRun("SELECT id, status, mode, high_watermark, error FROM sync_runs WHERE id = \(id)")
    }

    private func firstRun(_ query: PostgresQuery) async throws -> Run? {
        let rows = try await client.query(query, logger: logger)
        for try await (id, status, mode, watermark, error) in rows.decode((Int64, String, String, String?, String?).self) {
            return Run(id: id, status: status, mode: mode, highWatermark: watermark, error: error)
        }
        return nil
    }

    // MARK: - State

    /// The live directory mirror.
    public func loadState() async throws -> DirectoryState {
        try await client.withConnection { connection in
            var state = DirectoryState()
            var userExternal: [Int64: String] = [:]
            var rows = try await connection.query(
                """
                SELECT id, coalesce(external_id, lower(dn)), dn, username, email, display_name, disabled
                FROM directory_users WHERE deleted_at IS NULL
                """, logger: logger)
            for try await (id, external, dn, username, email, display, disabled) in rows.decode((Int64, String, String, String, String?, String?, Bool).self) {
                state.users[id] = UserRow(externalID: external, dn: dn, username: username, email: email, displayName: display, disabled: disabled)
                userExternal[id] = external
            }
            rows = try await connection.query(
                """
                SELECT id, coalesce(external_id, lower(dn)), dn, name, description, owners
                FROM directory_groups WHERE deleted_at IS NULL
                """, logger: logger)
            var groupExternal: [Int64: String] = [:]
            for try await (id, external, dn, name, description, owners) in rows.decode((Int64, String, String, String, String?, [String]).self) {
                state.groups[id] = GroupRow(externalID: external, dn: dn, name: name, description: description, owners: owners)
                groupExternal[id] = external
            }
            rows = try await connection.query(
                "SELECT group_id, coalesce(member_user_id, member_group_id), member_group_id IS NOT NULL FROM group_members",
                logger: logger)
            for try await (group, member, isGroup) in rows.decode((Int64, Int64, Bool).self) {
                guard let groupID = groupExternal[group], let memberID = isGroup ? groupExternal[member] : userExternal[member] else { continue }
                state.memberships.insert(MembershipKey(groupExternalID: groupID, memberExternalID: memberID, memberIsGroup: isGroup))
            }
            rows = try await connection.query("SELECT user_id, role, source FROM user_roles", logger: logger)
            for try await (user, role, source) in rows.decode((Int64, String, String).self) {
                guard let userID = userExternal[user] else { continue }
                state.roles.insert(RoleRow(userExternalID: userID, role: role, source: source))
            }
            return state
        }
    }

    // MARK: - Applying a run

    /// Writes the changes and marks the run succeeded, all in one transaction.
    public func apply(_ changes: DirectoryChanges, state: DirectoryState, runID: Int64, counts: RunCounts,
                      highWatermark: String?, warnings: [String]) async throws {
        try await client.transaction(logger: logger) { connection in
            let run = runID
            if !changes.usersToDelete.isEmpty {
                try await connection.query(
                    "UPDATE directory_users SET deleted_at = now(), last_seen_run = \(run), updated_at = now() WHERE id = ANY(\(changes.usersToDelete))",
                    logger: logger)
            }
            if !changes.groupsToDelete.isEmpty {
                try await connection.query(
                    "UPDATE directory_groups SET deleted_at = now(), last_seen_run = \(run), updated_at = now() WHERE id = ANY(\(changes.groupsToDelete))",
                    logger: logger)
            }
            // Memberships that go away, by the ids they had (before any insert).
            var userID: [String: Int64] = [:]
            for (id, row) in state.users { userID[row.externalID] = id }
            var groupID: [String: Int64] = [:]
            for (id, row) in state.groups { groupID[row.externalID] = id }
            if !changes.membershipsToRemove.isEmpty {
                try await connection.query(
                    "CREATE TEMP TABLE sync_removed_members (group_id bigint, member_id bigint, is_group boolean) ON COMMIT DROP",
                    logger: logger)
                try await copy(connection, table: "sync_removed_members", columns: ["group_id", "member_id", "is_group"],
                               rows: changes.membershipsToRemove) { encoder, key in
                    encoder.field(groupID[key.groupExternalID])
                    encoder.field(key.memberIsGroup ? groupID[key.memberExternalID] : userID[key.memberExternalID])
                    encoder.field(key.memberIsGroup)
                }
                try await connection.query(
                    """
                    DELETE FROM group_members m USING sync_removed_members r
                    WHERE m.group_id = r.group_id
                      AND ((r.is_group AND m.member_group_id = r.member_id) OR (NOT r.is_group AND m.member_user_id = r.member_id))
                    """, logger: logger)
            }
            if !changes.usersToUpdate.isEmpty {
                try await connection.query(
                    """
                    CREATE TEMP TABLE sync_user_updates (id bigint, dn text, username text, email text, display_name text,
                                                        disabled boolean) ON COMMIT DROP
                    """, logger: logger)
                try await copy(connection, table: "sync_user_updates", columns: ["id", "dn", "username", "email", "display_name", "disabled"],
                               rows: changes.usersToUpdate) { encoder, update in
                    encoder.field(update.id)
                    encoder.field(update.row.dn)
                    encoder.field(update.row.username)
                    encoder.field(update.row.email)
                    encoder.field(update.row.displayName)
                    encoder.field(update.row.disabled)
                }
                try await connection.query(
                    """
                    UPDATE directory_users d SET dn = u.dn, username = u.username, email = u.email, display_name = u.display_name,
                        disabled = u.disabled, last_seen_run = \(run), updated_at = now()
                    FROM sync_user_updates u WHERE d.id = u.id
                    """, logger: logger)
            }
            if !changes.groupsToUpdate.isEmpty {
                try await connection.query(
                    "CREATE TEMP TABLE sync_group_updates (id bigint, dn text, name text, description text, owners text[]) ON COMMIT DROP",
                    logger: logger)
                try await copy(connection, table: "sync_group_updates", columns: ["id", "dn", "name", "description", "owners"],
                               rows: changes.groupsToUpdate) { encoder, update in
                    encoder.field(update.id)
                    encoder.field(update.row.dn)
                    encoder.field(update.row.name)
                    encoder.field(update.row.description)
                    encoder.field(array: update.row.owners)
                }
                try await connection.query(
                    """
                    UPDATE directory_groups d SET dn = u.dn, name = u.name, description = u.description, owners = u.owners,
                        last_seen_run = \(run), updated_at = now()
                    FROM sync_group_updates u WHERE d.id = u.id
                    """, logger: logger)
            }
            if !changes.usersToInsert.isEmpty {
                try await copy(connection, table: "directory_users",
                               columns: ["external_id", "dn", "username", "email", "display_name", "disabled", "first_seen_run", "last_seen_run"],
                               rows: changes.usersToInsert) { encoder, row in
                    encoder.field(row.externalID)
                    encoder.field(row.dn)
                    encoder.field(row.username)
                    encoder.field(row.email)
                    encoder.field(row.displayName)
                    encoder.field(row.disabled)
                    encoder.field(run)
                    encoder.field(run)
                }
                let rows = try await connection.query(
                    "SELECT id, external_id FROM directory_users WHERE first_seen_run = \(run) AND deleted_at IS NULL", logger: logger)
                for try await (id, external) in rows.decode((Int64, String).self) { userID[external] = id }
            }
            if !changes.groupsToInsert.isEmpty {
                try await copy(connection, table: "directory_groups",
                               columns: ["external_id", "dn", "name", "description", "owners", "first_seen_run", "last_seen_run"],
                               rows: changes.groupsToInsert) { encoder, row in
                    encoder.field(row.externalID)
                    encoder.field(row.dn)
                    encoder.field(row.name)
                    encoder.field(row.description)
                    encoder.field(array: row.owners)
                    encoder.field(run)
                    encoder.field(run)
                }
                let rows = try await connection.query(
                    "SELECT id, external_id FROM directory_groups WHERE first_seen_run = \(run) AND deleted_at IS NULL", logger: logger)
                for try await (id, external) in rows.decode((Int64, String).self) { groupID[external] = id }
            }
            if !changes.membershipsToAdd.isEmpty {
                try await copy(connection, table: "group_members", columns: ["group_id", "member_user_id", "member_group_id", "added_run"],
                               rows: changes.membershipsToAdd) { encoder, key in
                    encoder.field(groupID[key.groupExternalID])
                    encoder.field(key.memberIsGroup ? nil : userID[key.memberExternalID])
                    encoder.field(key.memberIsGroup ? groupID[key.memberExternalID] : nil)
                    encoder.field(run)
                }
            }
            if !changes.history.isEmpty {
                try await copy(connection, table: "membership_history", columns: ["sync_run_id", "change", "group_dn", "member_dn", "member_kind"],
                               rows: changes.history) { encoder, change in
                    encoder.field(run)
                    encoder.field(change.change.rawValue)
                    encoder.field(change.groupDN)
                    encoder.field(change.memberDN)
                    encoder.field(change.memberIsGroup ? "group" : "user")
                }
            }
            if let roles = changes.roles {
                try await connection.query("DELETE FROM user_roles", logger: logger)
                try await copy(connection, table: "user_roles", columns: ["user_id", "role", "source"],
                               rows: roles.filter { userID[$0.userExternalID] != nil }) { encoder, role in
                    encoder.field(userID[role.userExternalID])
                    encoder.field(role.role)
                    encoder.field(role.source)
                }
            }
            if let effective = changes.effective {
                try await connection.query("TRUNCATE effective_memberships", logger: logger)
                try await copy(connection, table: "effective_memberships", columns: ["user_id", "group_id", "depth"],
                               rows: effective) { encoder, row in
                    encoder.field(userID[row.userExternalID])
                    encoder.field(groupID[row.groupExternalID])
                    encoder.field(Int64(row.depth))
                }
            }
            try await Self.finish(connection, id: run, status: "succeeded", counts: counts, error: nil, warnings: warnings,
                                  highWatermark: highWatermark, logger: logger)
        }
    }

    private func copy<Row>(_ connection: PostgresConnection, table: String, columns: [String], rows: [Row],
                           encode: (inout CopyTextEncoder, Row) -> Void) async throws {
        guard !rows.isEmpty else { return }
        try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
            var encoder = CopyTextEncoder(writer: writer)
            for row in rows {
                encode(&encoder, row)
                try await encoder.endRow()
            }
            try await encoder.finish()
        }
    }

    static func finish(_ connection: PostgresConnection, id: Int64, status: String, counts: RunCounts, error: String?,
                       warnings: [String], highWatermark: String?, logger: Logger) async throws {
        let warningsJSON = String(decoding: try JSONEncoder().encode(warnings), as: UTF8.self)
        try await connection.query(
            """
            UPDATE sync_runs SET status = \(status), finished_at = now(), error = \(error),
                users_added = \(counts.usersAdded), users_updated = \(counts.usersUpdated), users_removed = \(counts.usersRemoved),
                groups_added = \(counts.groupsAdded), groups_updated = \(counts.groupsUpdated), groups_removed = \(counts.groupsRemoved),
                members_added = \(counts.membersAdded), members_removed = \(counts.membersRemoved),
                roles_changed = \(counts.rolesChanged), entries_rejected = \(counts.entriesRejected),
                warnings = \(warningsJSON)::jsonb, high_watermark = \(highWatermark)
            WHERE id = \(id)
            """, logger: logger)
    }
}

/// A store operation that could not be completed.
public struct PostgresStoreError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension DirectoryStore {
    /// Group references of ring and role mappings that match no live group, by DN or name.
    public func mappingsWithoutGroup() async throws -> [String] {
        let rows = try await client.query(
            """
            SELECT 'ring mapping ' || group_ref FROM ring_mappings r
            WHERE NOT EXISTS (SELECT 1 FROM directory_groups g WHERE g.deleted_at IS NULL
                              AND (lower(g.dn) = lower(r.group_ref) OR lower(g.name) = lower(r.group_ref)))
            UNION ALL
            SELECT 'role mapping ' || group_ref || ' → ' || role FROM role_mappings r
            WHERE NOT EXISTS (SELECT 1 FROM directory_groups g WHERE g.deleted_at IS NULL
                              AND (lower(g.dn) = lower(r.group_ref) OR lower(g.name) = lower(r.group_ref)))
            ORDER BY 1
            """, logger: logger)
        var result: [String] = []
        for try await text in rows.decode(String.self) { result.append(text) }
        return result
    }
}

extension DirectoryStore {
    /// Effective groups (nested included) and roles of one active user, by user name
    /// (case-insensitive); nil when the directory has no such active user.
    public func facts(user: String) async throws -> (groups: [String], roles: [String])? {
        let rows = try await client.query(
            """
            SELECT u.id,
                   coalesce((SELECT array_agg(g.name ORDER BY g.name) FROM effective_memberships e
                             JOIN directory_groups g ON g.id = e.group_id AND g.deleted_at IS NULL WHERE e.user_id = u.id), '{}'),
                   coalesce((SELECT array_agg(r.role ORDER BY r.role) FROM user_roles r WHERE r.user_id = u.id), '{}')
            FROM directory_users u WHERE lower(u.username) = lower(\(user)) AND u.deleted_at IS NULL AND NOT u.disabled
            """, logger: logger)
        for try await (_, groups, roles) in rows.decode((Int64, [String], [String]).self) { return (groups, roles) }
        return nil
    }
}
