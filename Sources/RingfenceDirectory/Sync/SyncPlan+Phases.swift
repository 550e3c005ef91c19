import RingfenceCore

/// The phases of `SyncPlan.init`, each a pure function of what the ones before produced.
extension SyncPlan {
    /// The users a run wants, by external id, with what their entries say about roles and
    /// group membership.
    struct WantedUsers {
        var users: [String: UserRow] = [:]
        var attributeRoles: [String: [String]] = [:]
        /// Groups from users' `memberOf`, as name numbers.
        var memberOf: [String: [Int32]] = [:]
        /// Lower-cased user name → external id.
        var byUsername: [String: String] = [:]
    }

    /// Phase 1: users. An incremental run starts from the database's users (it only sees
    /// modified ones); an entry with an identity seen before, or a user name already used,
    /// is rejected.
    static func wantedUsers(
        current: DirectoryState, incoming: DirectoryData, mode: Mode, rejected: inout [RejectedEntry]
    ) -> WantedUsers {
        var wanted = WantedUsers()
        if mode == .incremental {
            for row in current.users.values { wanted.users[row.externalID] = row }
            for role in current.roles where role.source == "attribute" {
                wanted.attributeRoles[role.userExternalID, default: []].append(role.role)
            }
        }
        for id in incoming.deletedUsers where mode == .incremental {
            wanted.users[id] = nil
            wanted.attributeRoles[id] = nil
        }
        var seenIncoming: Set<String> = []
        for record in incoming.users {
            guard seenIncoming.insert(record.externalID).inserted else {
                rejected.append(
                    RejectedEntry(dn: record.dn, reason: "same identity as another entry (\(record.externalID))"))
                continue
            }
            wanted.users[record.externalID] = record.row
            wanted.attributeRoles[record.externalID] = record.roles
            wanted.memberOf[record.externalID] = record.memberOf
        }
        for id in wanted.users.keys.sorted() {
            let row = wanted.users[id]!
            let key = row.username.lowercased()
            if let other = wanted.byUsername[key] {
                rejected.append(
                    RejectedEntry(
                        dn: row.dn, reason: "user name '\(row.username)' is already used by \(wanted.users[other]!.dn)")
                )
                wanted.users[id] = nil
            } else {
                wanted.byUsername[key] = id
            }
        }
        return wanted
    }

    /// Phase 2: groups, by external id (groups are always read in full).
    static func wantedGroups(incoming: DirectoryData, rejected: inout [RejectedEntry]) -> [String: GroupRecord] {
        var groups: [String: GroupRecord] = [:]
        for record in incoming.groups {
            if groups[record.externalID] != nil {
                rejected.append(
                    RejectedEntry(dn: record.dn, reason: "same identity as another entry (\(record.externalID))"))
                continue
            }
            groups[record.externalID] = record
        }
        return groups
    }

    /// What phase 3 found.
    struct ResolvedMemberships {
        var memberships: Set<MembershipKey> = []
        /// Direct memberships found through each attribute (one found twice counts twice).
        var byAttribute: [String: Int] = [:]
        var unresolved = UnresolvedMembers()
    }

    /// Phase 3: direct memberships from member values, matched as the attribute says (DN
    /// keys or user names); values that match no synced user or group are counted and the
    /// first ones named.
    static func resolveMemberships(
        users wanted: WantedUsers, groups: [String: GroupRecord], names: NameTable,
        configuration: DirectoryConfiguration
    ) -> ResolvedMemberships {
        var userByDN: [Int32: String] = [:]
        var userByName: [Int32: String] = [:]
        for (id, row) in wanted.users {
            if let number = names.existingNumber(row.dnKey) { userByDN[number] = id }
            if let number = names.existingNumber(row.username.lowercased()) { userByName[number] = id }
        }
        var groupByDN: [Int32: String] = [:]
        for (id, record) in groups {
            if let number = names.existingNumber(record.row.dnKey) { groupByDN[number] = id }
        }
        var result = ResolvedMemberships()
        let attributes = configuration.memberAttributes
        let valuesAreDNs = attributes.map { $0.values == .dn }  // read per value: a million times
        var counts = [Int](repeating: 0, count: attributes.count)
        for groupID in groups.keys.sorted() {
            let record = groups[groupID]!
            for member in record.members {
                let isDN = valuesAreDNs[Int(member.attribute)]
                if isDN, let child = groupByDN[member.name] {
                    result.memberships.insert(
                        MembershipKey(groupExternalID: groupID, memberExternalID: child, memberIsGroup: true))
                } else if let user = isDN ? userByDN[member.name] : userByName[member.name] {
                    result.memberships.insert(
                        MembershipKey(groupExternalID: groupID, memberExternalID: user, memberIsGroup: false))
                } else {
                    result.unresolved.add(
                        names[member.name], attribute: attributes[Int(member.attribute)].attribute,
                        group: record.name)
                    continue
                }
                counts[Int(member.attribute)] += 1
            }
            for value in record.invalidMembers {
                result.unresolved.add(value, attribute: nil, group: record.name, reason: "not a DN")
            }
        }
        for (index, rule) in attributes.enumerated() { result.byAttribute[rule.attribute, default: 0] += counts[index] }
        if let attribute = configuration.userMemberOfAttribute {
            var count = 0
            for userID in wanted.memberOf.keys.sorted() {
                for parent in wanted.memberOf[userID]! {
                    if let groupID = groupByDN[parent] {
                        result.memberships.insert(
                            MembershipKey(groupExternalID: groupID, memberExternalID: userID, memberIsGroup: false))
                        count += 1
                    } else {
                        result.unresolved.add(
                            names[parent], attribute: attribute, group: nil,
                            user: wanted.users[userID]?.username)
                    }
                }
            }
            result.byAttribute[attribute, default: 0] += count
        }
        return result
    }

    /// Phase 4: users and groups to insert, update and remove (users are removed by full
    /// runs only). Returns the names removed, for the deletion guard's message.
    static func diffEntries(
        current: DirectoryState, users: [String: UserRow], groups: [String: GroupRecord], mode: Mode,
        into changes: inout DirectoryChanges
    ) -> (users: [String], groups: [String]) {
        var currentUser: [String: (Int64, UserRow)] = [:]
        for (id, row) in current.users { currentUser[row.externalID] = (id, row) }
        for id in users.keys.sorted() {
            let row = users[id]!
            if let (dbID, existing) = currentUser[id] {
                if existing != row { changes.usersToUpdate.append((dbID, row)) }
            } else {
                changes.usersToInsert.append(row)
            }
        }
        // A full run wants every user it read; an incremental one every user it had but
        // those the directory reports deleted — so the users it does not want are gone.
        var removedUsers: [String] = []
        for (id, row) in current.users.sorted(by: { $0.key < $1.key }) where users[row.externalID] == nil {
            changes.usersToDelete.append(id)
            removedUsers.append(row.username)
        }
        var currentGroup: [String: (Int64, GroupRow)] = [:]
        for (id, row) in current.groups { currentGroup[row.externalID] = (id, row) }
        for id in groups.keys.sorted() {
            let row = groups[id]!.row
            if let (dbID, existing) = currentGroup[id] {
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
        return (removedUsers, removedGroups)
    }

    /// Phase 5: memberships to add and remove, with history in DNs as they are (added) or
    /// were (removed). Returns the removed ones as `member in group`.
    static func diffMemberships(
        current: DirectoryState, wanted memberships: Set<MembershipKey>, users: [String: UserRow],
        groups: [String: GroupRecord], into changes: inout DirectoryChanges
    ) -> [String] {
        var currentDN: [String: String] = [:]
        var currentName: [String: String] = [:]
        for row in current.users.values {
            currentDN[row.externalID] = row.dn
            currentName[row.externalID] = row.username
        }
        for row in current.groups.values {
            currentDN[row.externalID] = row.dn
            currentName[row.externalID] = row.name
        }
        for key in memberships.subtracting(current.memberships).sorted(by: order) {
            changes.membershipsToAdd.append(key)
            let memberDN = key.memberIsGroup ? groups[key.memberExternalID]!.dn : users[key.memberExternalID]!.dn
            changes.history.append(
                MembershipChange(
                    change: .added, groupDN: groups[key.groupExternalID]!.dn, memberDN: memberDN,
                    memberIsGroup: key.memberIsGroup))
        }
        var removed: [String] = []
        for key in current.memberships.subtracting(memberships).sorted(by: order) {
            changes.membershipsToRemove.append(key)
            changes.history.append(
                MembershipChange(
                    change: .removed, groupDN: currentDN[key.groupExternalID] ?? "?",
                    memberDN: currentDN[key.memberExternalID] ?? "?", memberIsGroup: key.memberIsGroup))
            removed.append("\(currentName[key.memberExternalID] ?? "?") in \(currentName[key.groupExternalID] ?? "?")")
        }
        return removed
    }

    /// Nested groups over the run's users and groups, by index.
    struct Flattened {
        var groupIDs: [String]
        var userIDs: [String]
        var nested: NestedGroups?
        var cycles: [[Int32]]
    }

    /// Phase 6: nested groups flattened into effective memberships — only when they can
    /// have changed (structure), or when role groups need them; on a run with no change
    /// this is the costliest step.
    static func flatten(
        users: [String: UserRow], groups: [String: GroupRecord], memberships: Set<MembershipKey>,
        changes: inout DirectoryChanges, rolesNeedNesting: Bool
    ) -> Flattened {
        let structural =
            !changes.membershipsToAdd.isEmpty || !changes.membershipsToRemove.isEmpty || !changes.usersToInsert.isEmpty
            || !changes.usersToDelete.isEmpty || !changes.groupsToInsert.isEmpty || !changes.groupsToDelete.isEmpty
        var flattened = Flattened(groupIDs: groups.keys.sorted(), userIDs: [], nested: nil, cycles: [])
        var groupIndex: [String: Int32] = [:]
        for (index, id) in flattened.groupIDs.enumerated() { groupIndex[id] = Int32(index) }
        var childGroups = [[Int32]](repeating: [], count: flattened.groupIDs.count)
        for key in memberships where key.memberIsGroup {
            childGroups[Int(groupIndex[key.groupExternalID]!)].append(groupIndex[key.memberExternalID]!)
        }
        guard structural || rolesNeedNesting else {
            // Cycles are reported on every run, also when nothing is flattened.
            flattened.cycles = NestedGroups.cycles(groupCount: flattened.groupIDs.count, childGroups: childGroups)
            return flattened
        }
        flattened.userIDs = users.keys.sorted()
        var userIndex: [String: Int32] = [:]
        for (index, id) in flattened.userIDs.enumerated() { userIndex[id] = Int32(index) }
        var directUsers = [[Int32]](repeating: [], count: flattened.groupIDs.count)
        for key in memberships where !key.memberIsGroup {
            directUsers[Int(groupIndex[key.groupExternalID]!)].append(userIndex[key.memberExternalID]!)
        }
        let nested = NestedGroups(
            groupCount: flattened.groupIDs.count, childGroups: childGroups, directUsers: directUsers)
        flattened.nested = nested
        flattened.cycles = nested.cycles
        if structural {
            var effective: [EffectiveRow] = []
            effective.reserveCapacity(nested.members.reduce(0) { $0 + $1.count })
            for (group, members) in nested.members.enumerated() {
                for (user, depth) in members {
                    effective.append(
                        EffectiveRow(
                            userExternalID: flattened.userIDs[Int(user)], groupExternalID: flattened.groupIDs[group],
                            depth: Int(depth)))
                }
            }
            changes.effective = effective
        }
        return flattened
    }

    /// Phase 7: roles, from the role attribute and from role groups (effective membership).
    static func roles(
        users wanted: WantedUsers, groups: [String: GroupRecord], flattened: Flattened, roleGroups: [String: String]
    )
        -> Set<RoleRow>
    {
        var roles: Set<RoleRow> = []
        for (user, names) in wanted.attributeRoles where wanted.users[user] != nil {
            for name in names { roles.insert(RoleRow(userExternalID: user, role: name, source: "attribute")) }
        }
        guard !roleGroups.isEmpty, let nested = flattened.nested else { return roles }
        var roleByDN: [String: String] = [:]
        var roleByName: [String: String] = [:]
        for (reference, role) in roleGroups {
            if let key = DistinguishedName.key(groupReference: reference) {
                roleByDN[key] = role
            } else {
                roleByName[reference.lowercased()] = role
            }
        }
        for (index, id) in flattened.groupIDs.enumerated() {
            let record = groups[id]!
            guard let role = roleByDN[record.row.dnKey] ?? roleByName[record.name.lowercased()] else {
                continue
            }
            for (user, _) in nested.members[index] {
                roles.insert(
                    RoleRow(userExternalID: flattened.userIDs[Int(user)], role: role, source: "group:\(record.dn)"))
            }
        }
        return roles
    }
}
