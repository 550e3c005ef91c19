import RingfenceCore

/// What a sync run would change, computed without I/O from the database's state and what
/// the directory returned.
///
/// Identity is the stable external id (entryUUID / objectGUID), so a renamed or moved
/// entry is an update, not a removal and an addition. In an **incremental** run the
/// directory returned only users modified since the last run: users it did not return are
/// kept as they are, and no user is removed (a full run catches deletions). Groups and
/// their members are read in full on every run, so membership changes are always seen.
public struct SyncPlan: Sendable {
    /// Full or incremental.
    public enum Mode: String, Sendable { case full, incremental }

    /// What to write.
    public let changes: DirectoryChanges
    /// Counts for the run summary and `sync_runs`.
    public let summary: SyncSummary
    /// Groups (by name) that contain themselves through nesting.
    public let cycles: [[String]]
    /// Member references that point outside the synced users and groups.
    public let unresolvedMembers: Int
    /// Entries refused while mapping.
    public let rejected: [RejectedEntry]
    /// Names of removed users, groups and memberships (for the deletion guard's message).
    public let removedUsers: [String]
    public let removedGroups: [String]
    public let removedMemberships: [String]

    public init(current: DirectoryState, incoming: DirectoryData, mode: Mode, configuration: DirectoryConfiguration) {
        var rejected = incoming.rejected
        var changes = DirectoryChanges()

        // Desired users, by external id.
        var users: [String: UserRow] = [:]
        var attributeRoles: [String: [String]] = [:]
        if mode == .incremental {
            for row in current.users.values { users[row.externalID] = row }
            for role in current.roles where role.source == "attribute" { attributeRoles[role.userExternalID, default: []].append(role.role) }
        }
        var memberOfByUser: [String: [String]] = [:]
        var seenIncoming: Set<String> = []
        for record in incoming.users {
            guard seenIncoming.insert(record.externalID).inserted else {
                rejected.append(RejectedEntry(dn: record.dn, reason: "same identity as another entry (\(record.externalID))"))
                continue
            }
            users[record.externalID] = record.row
            attributeRoles[record.externalID] = record.roles
            memberOfByUser[record.externalID] = record.memberOf
        }
        // Usernames must be unique among live users.
        var byUsername: [String: String] = [:]
        for id in users.keys.sorted() {
            let key = users[id]!.username.lowercased()
            if let other = byUsername[key] {
                rejected.append(RejectedEntry(dn: users[id]!.dn, reason: "user name '\(users[id]!.username)' is already used by \(users[other]!.dn)"))
                users[id] = nil
            } else {
                byUsername[key] = id
            }
        }

        var groups: [String: GroupRecord] = [:]
        for record in incoming.groups {
            if groups[record.externalID] != nil {
                rejected.append(RejectedEntry(dn: record.dn, reason: "same identity as another entry (\(record.externalID))"))
                continue
            }
            groups[record.externalID] = record
        }

        // Resolve membership references.
        var userByDN: [String: String] = [:]
        for (id, row) in users { userByDN[row.dn.lowercased()] = id }
        var groupByDN: [String: String] = [:]
        for (id, record) in groups { groupByDN[record.dn.lowercased()] = id }
        var memberships: Set<MembershipKey> = []
        var unresolved = 0
        switch configuration.membership {
        case .memberDN, .memberUsername:
            for (groupID, record) in groups {
                for member in record.members {
                    let key = member.lowercased()
                    if configuration.membership == .memberDN, let child = groupByDN[key] {
                        memberships.insert(MembershipKey(groupExternalID: groupID, memberExternalID: child, memberIsGroup: true))
                    } else if let user = configuration.membership == .memberDN ? userByDN[key] : byUsername[key] {
                        memberships.insert(MembershipKey(groupExternalID: groupID, memberExternalID: user, memberIsGroup: false))
                    } else {
                        unresolved += 1
                    }
                }
            }
        case .memberOf:
            for (userID, parents) in memberOfByUser {
                for parent in parents {
                    if let groupID = groupByDN[parent.lowercased()] {
                        memberships.insert(MembershipKey(groupExternalID: groupID, memberExternalID: userID, memberIsGroup: false))
                    } else {
                        unresolved += 1
                    }
                }
            }
            for (childID, record) in groups {
                for parent in record.memberOf {
                    if let groupID = groupByDN[parent.lowercased()] {
                        memberships.insert(MembershipKey(groupExternalID: groupID, memberExternalID: childID, memberIsGroup: true))
                    } else {
                        unresolved += 1
                    }
                }
            }
        }

        // Users and groups: insert, update, remove.
        var currentUserByExternalID: [String: (Int64, UserRow)] = [:]
        for (id, row) in current.users { currentUserByExternalID[row.externalID] = (id, row) }
        for id in users.keys.sorted() {
            let row = users[id]!
            if let (dbID, existing) = currentUserByExternalID[id] {
                if existing != row { changes.usersToUpdate.append((dbID, row)) }
            } else {
                changes.usersToInsert.append(row)
            }
        }
        var removedUsers: [String] = []
        if mode == .full {
            for (id, row) in current.users.sorted(by: { $0.key < $1.key }) where users[row.externalID] == nil {
                changes.usersToDelete.append(id)
                removedUsers.append(row.username)
            }
        }
        var currentGroupByExternalID: [String: (Int64, GroupRow)] = [:]
        for (id, row) in current.groups { currentGroupByExternalID[row.externalID] = (id, row) }
        for id in groups.keys.sorted() {
            let record = groups[id]!
            let row = GroupRow(externalID: id, dn: record.dn, name: record.name, description: record.description, owners: record.owners)
            if let (dbID, existing) = currentGroupByExternalID[id] {
                if existing != row { changes.groupsToUpdate.append((dbID, row)) }
            } else {
                changes.groupsToInsert.append(row)
            }
        }
        var removedGroups: [String] = []
        for (id, row) in current.groups.sorted(by: { $0.key < $1.key }) where groups[row.externalID] == nil {
            changes.groupsToDelete.append(id)
            removedGroups.append(row.name)
        }

        // Memberships, with history in DNs as they are (added) or were (removed).
        var currentDN: [String: String] = [:]
        var currentName: [String: String] = [:]
        for row in current.users.values { currentDN[row.externalID] = row.dn; currentName[row.externalID] = row.username }
        for row in current.groups.values { currentDN[row.externalID] = row.dn; currentName[row.externalID] = row.name }
        var removedMemberships: [String] = []
        for key in memberships.subtracting(current.memberships).sorted(by: Self.order) {
            changes.membershipsToAdd.append(key)
            let memberDN = key.memberIsGroup ? groups[key.memberExternalID]!.dn : users[key.memberExternalID]!.dn
            changes.history.append(MembershipChange(change: .added, groupDN: groups[key.groupExternalID]!.dn, memberDN: memberDN, memberIsGroup: key.memberIsGroup))
        }
        for key in current.memberships.subtracting(memberships).sorted(by: Self.order) {
            changes.membershipsToRemove.append(key)
            changes.history.append(MembershipChange(change: .removed, groupDN: currentDN[key.groupExternalID] ?? "?",
                                                    memberDN: currentDN[key.memberExternalID] ?? "?", memberIsGroup: key.memberIsGroup))
            removedMemberships.append("\(currentName[key.memberExternalID] ?? "?") in \(currentName[key.groupExternalID] ?? "?")")
        }

        // Nested groups → effective membership: only when it can have changed (structure),
        // or when role groups need it; on a run with no change this is the costliest step.
        let structural = !changes.membershipsToAdd.isEmpty || !changes.membershipsToRemove.isEmpty || !changes.usersToInsert.isEmpty
            || !changes.usersToDelete.isEmpty || !changes.groupsToInsert.isEmpty || !changes.groupsToDelete.isEmpty
        let groupIDs = groups.keys.sorted()
        var userIDs: [String] = []
        var nested: NestedGroups?
        if structural || !configuration.roleGroups.isEmpty {
            userIDs = users.keys.sorted()
            var groupIndex: [String: Int32] = [:]
            for (index, id) in groupIDs.enumerated() { groupIndex[id] = Int32(index) }
            var userIndex: [String: Int32] = [:]
            for (index, id) in userIDs.enumerated() { userIndex[id] = Int32(index) }
            var childGroups = [[Int32]](repeating: [], count: groupIDs.count)
            var directUsers = [[Int32]](repeating: [], count: groupIDs.count)
            for key in memberships {
                let group = Int(groupIndex[key.groupExternalID]!)
                if key.memberIsGroup { childGroups[group].append(groupIndex[key.memberExternalID]!) } else { directUsers[group].append(userIndex[key.memberExternalID]!) }
            }
            nested = NestedGroups(groupCount: groupIDs.count, childGroups: childGroups, directUsers: directUsers)
        }
        var effectiveCount: Int?
        if structural, let nested {
            var effective: [EffectiveRow] = []
            effective.reserveCapacity(nested.members.reduce(0) { $0 + $1.count })
            for (group, members) in nested.members.enumerated() {
                for (user, depth) in members {
                    effective.append(EffectiveRow(userExternalID: userIDs[Int(user)], groupExternalID: groupIDs[group], depth: Int(depth)))
                }
            }
            effectiveCount = effective.count
            changes.effective = effective
        }

        // Roles: from the role attribute, and from role groups (effective membership).
        var roles: Set<RoleRow> = []
        for (user, names) in attributeRoles where users[user] != nil {
            for name in names { roles.insert(RoleRow(userExternalID: user, role: name, source: "attribute")) }
        }
        if !configuration.roleGroups.isEmpty, let nested {
            var roleByGroup: [String: String] = [:]
            for (reference, role) in configuration.roleGroups { roleByGroup[reference.lowercased()] = role }
            for (index, id) in groupIDs.enumerated() {
                let record = groups[id]!
                guard let role = roleByGroup[record.dn.lowercased()] ?? roleByGroup[record.name.lowercased()] else { continue }
                for (user, _) in nested.members[index] {
                    roles.insert(RoleRow(userExternalID: userIDs[Int(user)], role: role, source: "group:\(record.dn)"))
                }
            }
        }
        if roles != current.roles { changes.roles = roles.sorted { ($0.userExternalID, $0.role, $0.source) < ($1.userExternalID, $1.role, $1.source) } }

        self.changes = changes
        self.cycles = (nested?.cycles ?? []).map { $0.map { groups[groupIDs[Int($0)]]!.name } }
        self.unresolvedMembers = unresolved
        self.rejected = rejected
        self.removedUsers = removedUsers
        self.removedGroups = removedGroups
        self.removedMemberships = removedMemberships
        self.summary = SyncSummary(
            usersAdded: changes.usersToInsert.count, usersUpdated: changes.usersToUpdate.count, usersRemoved: changes.usersToDelete.count,
            groupsAdded: changes.groupsToInsert.count, groupsUpdated: changes.groupsToUpdate.count, groupsRemoved: changes.groupsToDelete.count,
            membershipsAdded: changes.membershipsToAdd.count, membershipsRemoved: changes.membershipsToRemove.count,
            rolesChanged: changes.roles.map { Set($0).symmetricDifference(current.roles).count } ?? 0,
            usersBefore: current.users.count, groupsBefore: current.groups.count, membershipsBefore: current.memberships.count,
            usersAfter: users.count, groupsAfter: groups.count, membershipsAfter: memberships.count,
            effectiveMemberships: effectiveCount)
    }

    static func order(_ lhs: MembershipKey, _ rhs: MembershipKey) -> Bool {
        (lhs.groupExternalID, lhs.memberExternalID, lhs.memberIsGroup ? 1 : 0) < (rhs.groupExternalID, rhs.memberExternalID, rhs.memberIsGroup ? 1 : 0)
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
}
