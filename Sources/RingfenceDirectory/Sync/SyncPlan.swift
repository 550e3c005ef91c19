import RingfenceCore

/// What a sync run would change, computed without I/O from the database's state and what
/// the directory returned.
///
/// Identity is the stable external id (entryUUID / objectGUID), so a renamed or moved
/// entry is an update, not a removal and an addition. In an **incremental** run the
/// directory returned only users modified since the last run: users it did not return are
/// kept as they are, and only users the directory reports deleted are removed (a full run
/// catches every deletion). Groups and their members are read in full on every run, so
/// membership changes are always seen. DNs are compared as DNs (`DistinguishedName`).
public struct SyncPlan: Sendable {
    /// Full or incremental.
    public enum Mode: String, Sendable { case full, incremental }

    /// What to write.
    public let changes: DirectoryChanges
    /// Counts for the run summary and `sync_runs`.
    public let summary: SyncSummary
    /// Groups (by name) that contain themselves through nesting, each cycle's names sorted.
    public let cycles: [[String]]
    /// Member values that match no synced user or group, counted and the first named.
    public let unresolved: UnresolvedMembers
    /// Direct memberships found through each member attribute.
    public let membershipsByAttribute: [String: Int]
    /// Groups whose members were not read: none of their object classes has a member
    /// attribute configured (`dn (objectClass, …)`).
    public let unreadGroups: [String]
    /// Entries refused while mapping.
    public let rejected: [RejectedEntry]
    /// Names of removed users, groups and memberships (for the deletion guard's message).
    public let removedUsers: [String]
    public let removedGroups: [String]
    public let removedMemberships: [String]

    /// Plans a run in phases (`SyncPlan+Phases.swift`): the users and groups wanted, their
    /// memberships resolved, the differences with the database, nested groups flattened,
    /// roles.
    public init(current: DirectoryState, incoming: DirectoryData, mode: Mode, configuration: DirectoryConfiguration) {
        var rejected = incoming.rejected
        let numbering = Self.wanted(current: current, incoming: incoming, mode: mode, rejected: &rejected)
        let resolved = Self.resolveMemberships(numbering, names: incoming.names, configuration: configuration)

        var changes = DirectoryChanges()
        changes.userIDs = numbering.userIDs
        changes.groupIDs = numbering.groupIDs
        let removed = Self.diffEntries(current: current, numbering: numbering, into: &changes)
        let removedMemberships = Self.diffMemberships(
            current: current, wanted: resolved.memberships, numbering: numbering, into: &changes)
        let flattened = Self.flatten(
            numbering: numbering, memberships: resolved.memberships, changes: &changes,
            rolesNeedNesting: !configuration.roleGroups.isEmpty)
        let roles = Self.roles(numbering: numbering, flattened: flattened, roleGroups: configuration.roleGroups)
        if roles != current.roles {
            changes.roles = roles.sorted {
                ($0.userExternalID, $0.role, $0.source) < ($1.userExternalID, $1.role, $1.source)
            }
        }

        self.changes = changes
        self.cycles = flattened.cycles.map { $0.map { numbering.groups[Int($0)]!.name }.sorted() }
        self.unresolved = resolved.unresolved
        self.membershipsByAttribute = resolved.byAttribute
        self.unreadGroups = numbering.groups.compactMap { record in
            record?.unreadObjectClasses.map { "\(record!.dn) (\($0.joined(separator: ", ")))" }
        }.sorted()
        self.rejected = rejected
        self.removedUsers = removed.users
        self.removedGroups = removed.groups
        self.removedMemberships = removedMemberships
        self.summary = SyncSummary(
            usersAdded: changes.usersToInsert.count, usersUpdated: changes.usersToUpdate.count,
            usersRemoved: changes.usersToDelete.count,
            groupsAdded: changes.groupsToInsert.count, groupsUpdated: changes.groupsToUpdate.count,
            groupsRemoved: changes.groupsToDelete.count,
            membershipsAdded: changes.membershipsToAdd.count, membershipsRemoved: changes.membershipsToRemove.count,
            rolesChanged: changes.roles.map { Set($0).symmetricDifference(current.roles).count } ?? 0,
            usersBefore: current.users.count, groupsBefore: current.groups.count,
            membershipsBefore: current.memberships.count,
            usersAfter: numbering.wantedUserCount, groupsAfter: numbering.wantedGroupCount,
            membershipsAfter: resolved.memberships.count,
            effectiveMemberships: changes.effective?.count, membersUnresolved: resolved.unresolved.count)
    }
}

/// Counts of one sync run.
public struct SyncSummary: Sendable, Equatable, Codable {
    public var usersAdded = 0, usersUpdated = 0, usersRemoved = 0
    public var groupsAdded = 0, groupsUpdated = 0, groupsRemoved = 0
    public var membershipsAdded = 0, membershipsRemoved = 0
    public var rolesChanged = 0
    public var usersBefore = 0, groupsBefore = 0, membershipsBefore = 0
    public var usersAfter = 0, groupsAfter = 0, membershipsAfter = 0
    /// Effective memberships after the run; nil when they were not recomputed (nothing changed).
    public var effectiveMemberships: Int?
    /// Member values that matched no synced user or group.
    public var membersUnresolved = 0
}
