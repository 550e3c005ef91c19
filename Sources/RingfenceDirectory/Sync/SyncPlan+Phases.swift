import RingfenceCore

/// The phases of `SyncPlan.init`, each a pure function of what the ones before produced.
extension SyncPlan {
    /// The users and groups a run wants, by number: the state's numbering
    /// (`DirectoryState.userIDs`, `groupIDs`, whose numbers are positions in its arrays)
    /// extended with the new ones in the order the directory returned them. Arrays by
    /// number, not dictionaries by external id, so a hundred thousand users cost one row
    /// each.
    struct Numbering {
        var userIDs: NameTable
        var groupIDs: NameTable
        /// The wanted user and group of each number; nil for those the run does not want.
        var users: [UserRow?]
        var groups: [GroupRecord?]
        /// Roles from the role attribute and groups from `memberOf` (name numbers), by user
        /// number.
        var attributeRoles: [[String]]
        var memberOf: [[Int32]]

        var wantedUserCount: Int { users.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }
        var wantedGroupCount: Int { groups.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }
    }

    /// Phases 1 and 2: the users and groups wanted. An incremental run starts from the
    /// database's users (it only sees modified ones); an entry with an identity seen
    /// before in this read, or a user name already used, is rejected. Groups are always
    /// read in full.
    static func wanted(
        current: DirectoryState, incoming: DirectoryData, mode: Mode, rejected: inout [RejectedEntry]
    ) -> Numbering {
        var userIDs = current.userIDs
        var users = [UserRow?](repeating: nil, count: current.users.count)
        var attributeRoles = [[String]](repeating: [], count: current.users.count)
        var memberOf = [[Int32]](repeating: [], count: current.users.count)
        if mode == .incremental {
            for (number, stored) in current.users.enumerated() { users[number] = stored.row }
            for role in current.roles where role.source == "attribute" {
                if let number = userIDs.existingNumber(role.userExternalID) {
                    attributeRoles[Int(number)].append(role.role)
                }
            }
            for id in incoming.deletedUsers {
                guard let number = userIDs.existingNumber(id) else { continue }
                users[Int(number)] = nil
                attributeRoles[Int(number)] = []
            }
        }
        var seen = [Bool](repeating: false, count: users.count)
        for record in incoming.users {
            let number = Int(userIDs.number(record.externalID))
            if number == users.count {
                users.append(nil)
                attributeRoles.append([])
                memberOf.append([])
                seen.append(false)
            }
            guard !seen[number] else {
                rejected.append(
                    RejectedEntry(dn: record.dn, reason: "same identity as another entry (\(record.externalID))"))
                continue
            }
            seen[number] = true
            users[number] = record.row
            attributeRoles[number] = record.roles
            memberOf[number] = record.memberOf
        }
        // User names are unique: the first by external id keeps its name.
        let byIdentity = users.indices.filter { users[$0] != nil }.sorted { userIDs[Int32($0)] < userIDs[Int32($1)] }
        var byUsername: [String: Int] = [:]
        for number in byIdentity {
            let row = users[number]!
            let key = row.username.lowercased()
            if let other = byUsername[key] {
                rejected.append(
                    RejectedEntry(
                        dn: row.dn, reason: "user name '\(row.username)' is already used by \(users[other]!.dn)"))
                users[number] = nil
            } else {
                byUsername[key] = number
            }
        }
        var groupIDs = current.groupIDs
        var groups = [GroupRecord?](repeating: nil, count: current.groups.count)
        for record in incoming.groups {
            let number = Int(groupIDs.number(record.externalID))
            if number == groups.count { groups.append(nil) }
            guard groups[number] == nil else {
                rejected.append(
                    RejectedEntry(dn: record.dn, reason: "same identity as another entry (\(record.externalID))"))
                continue
            }
            groups[number] = record
        }
        return Numbering(
            userIDs: userIDs, groupIDs: groupIDs, users: users, groups: groups, attributeRoles: attributeRoles,
            memberOf: memberOf)
    }

    /// What phase 3 found.
    struct ResolvedMemberships {
        var memberships: Set<Membership> = []
        /// Direct memberships found through each attribute (one found twice counts twice).
        var byAttribute: [String: Int] = [:]
        var unresolved = UnresolvedMembers()
    }

    /// Phase 3: direct memberships from member values, matched as the attribute says (DN
    /// keys or user names); values that match no synced user or group are counted and the
    /// first ones named.
    static func resolveMemberships(
        _ numbering: Numbering, names: NameTable, configuration: DirectoryConfiguration
    ) -> ResolvedMemberships {
        // Name number (a DN key or a user name in `names`) → user or group number; -1 for none.
        var userByDN = [Int32](repeating: -1, count: names.count)
        var userByName = [Int32](repeating: -1, count: names.count)
        var groupByDN = [Int32](repeating: -1, count: names.count)
        for (number, row) in numbering.users.enumerated() {
            guard let row else { continue }
            if let name = names.existingNumber(row.dnKey) { userByDN[Int(name)] = Int32(number) }
            if let name = names.existingNumber(row.username.lowercased()) { userByName[Int(name)] = Int32(number) }
        }
        for (number, record) in numbering.groups.enumerated() {
            if let record, let name = names.existingNumber(record.row.dnKey) { groupByDN[Int(name)] = Int32(number) }
        }
        var result = ResolvedMemberships()
        result.memberships.reserveCapacity(numbering.groups.reduce(0) { $0 + ($1?.members.count ?? 0) })
        let attributes = configuration.memberAttributes
        let valuesAreDNs = attributes.map { $0.values == .dn }  // read per value: a million times
        var counts = [Int](repeating: 0, count: attributes.count)
        for (number, record) in numbering.groups.enumerated() {
            guard let record else { continue }
            let group = Int32(number)
            for member in record.members {
                let isDN = valuesAreDNs[Int(member.attribute)]
                if isDN, case let child = groupByDN[Int(member.name)], child >= 0 {
                    result.memberships.insert(Membership(group: group, member: child, memberIsGroup: true))
                } else if case let user = (isDN ? userByDN : userByName)[Int(member.name)], user >= 0 {
                    result.memberships.insert(Membership(group: group, member: user, memberIsGroup: false))
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
            for (number, parents) in numbering.memberOf.enumerated() {
                guard let row = numbering.users[number] else { continue }
                for parent in parents {
                    if case let group = groupByDN[Int(parent)], group >= 0 {
                        result.memberships.insert(Membership(group: group, member: Int32(number), memberIsGroup: false))
                        count += 1
                    } else {
                        result.unresolved.add(names[parent], attribute: attribute, group: nil, user: row.username)
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
        current: DirectoryState, numbering: Numbering, into changes: inout DirectoryChanges
    ) -> (users: [String], groups: [String]) {
        // A full run wants every user it read; an incremental one every user it had but
        // those the directory reports deleted — so the users it does not want are gone.
        let users = diff(stored: current.users, wanted: numbering.users)
        changes.usersToInsert = users.insert
        changes.usersToUpdate = users.update
        changes.usersToDelete = users.delete.map(\.id)
        let groups = diff(stored: current.groups, wanted: numbering.groups.map { $0?.row })
        changes.groupsToInsert = groups.insert
        changes.groupsToUpdate = groups.update
        changes.groupsToDelete = groups.delete.map(\.id)
        return (users.delete.map(\.row.username), groups.delete.map(\.row.name))
    }

    /// Rows by number, as stored (a number's position) and as wanted: the wanted rows
    /// without a stored one, those that differ from theirs, and the stored rows not wanted.
    static func diff<Row>(stored: [DirectoryState.Stored<Row>], wanted: [Row?]) -> (
        insert: [Row], update: [(id: Int64, row: Row)], delete: [DirectoryState.Stored<Row>]
    ) {
        var result: (insert: [Row], update: [(id: Int64, row: Row)], delete: [DirectoryState.Stored<Row>]) = (
            [], [], []
        )
        for (number, wanted) in wanted.enumerated() {
            switch (number < stored.count ? stored[number] : nil, wanted) {
            case (let stored?, let row?): if stored.row != row { result.update.append((stored.id, row)) }
            case (nil, let row?): result.insert.append(row)
            case (let stored?, nil): result.delete.append(stored)
            case (nil, nil): break
            }
        }
        return result
    }

    /// Phase 5: memberships to add and remove, with history in DNs as they are (added) or
    /// were (removed). Returns the removed ones as `member in group`.
    static func diffMemberships(
        current: DirectoryState, wanted memberships: Set<Membership>, numbering: Numbering,
        into changes: inout DirectoryChanges
    ) -> [String] {
        let added = memberships.subtracting(current.memberships).sorted()
        changes.membershipsToAdd = added
        changes.history.reserveCapacity(added.count)
        for key in added {
            let group = numbering.groups[Int(key.group)]!
            let memberDN =
                key.memberIsGroup ? numbering.groups[Int(key.member)]!.dn : numbering.users[Int(key.member)]!.dn
            changes.history.append(
                MembershipChange(
                    change: .added, groupDN: group.dn, memberDN: memberDN, memberIsGroup: key.memberIsGroup))
        }
        let removedKeys = current.memberships.subtracting(memberships).sorted()
        guard !removedKeys.isEmpty else { return [] }
        // DNs and names as the database has them (the state's memberships are numbered by
        // position in its arrays).
        var removed: [String] = []
        changes.membershipsToRemove = removedKeys
        for key in removedKeys {
            let group = current.groups[Int(key.group)].row
            let member =
                key.memberIsGroup
                ? (dn: current.groups[Int(key.member)].row.dn, name: current.groups[Int(key.member)].row.name)
                : (dn: current.users[Int(key.member)].row.dn, name: current.users[Int(key.member)].row.username)
            changes.history.append(
                MembershipChange(
                    change: .removed, groupDN: group.dn, memberDN: member.dn, memberIsGroup: key.memberIsGroup))
            removed.append("\(member.name) in \(group.name)")
        }
        return removed
    }

    /// Nested groups over the run's groups, by number.
    struct Flattened {
        var nested: NestedGroups?
        var cycles: [[Int32]]
    }

    /// Phase 6: nested groups flattened into effective memberships — only when they can
    /// have changed (structure), or when role groups need them; on a run with no change
    /// this is the costliest step.
    static func flatten(
        numbering: Numbering, memberships: Set<Membership>, changes: inout DirectoryChanges, rolesNeedNesting: Bool
    ) -> Flattened {
        let structural =
            !changes.membershipsToAdd.isEmpty || !changes.membershipsToRemove.isEmpty || !changes.usersToInsert.isEmpty
            || !changes.usersToDelete.isEmpty || !changes.groupsToInsert.isEmpty || !changes.groupsToDelete.isEmpty
        let groupCount = numbering.groups.count
        var childGroups = [[Int32]](repeating: [], count: groupCount)
        for key in memberships where key.memberIsGroup { childGroups[Int(key.group)].append(key.member) }
        guard structural || rolesNeedNesting else {
            // Cycles are reported on every run, also when nothing is flattened.
            return Flattened(nested: nil, cycles: NestedGroups.cycles(groupCount: groupCount, childGroups: childGroups))
        }
        var directUsers = [[Int32]](repeating: [], count: groupCount)
        for key in memberships where !key.memberIsGroup { directUsers[Int(key.group)].append(key.member) }
        let nested = NestedGroups(groupCount: groupCount, childGroups: childGroups, directUsers: directUsers)
        if structural { changes.effective = EffectiveMemberships(byGroup: nested.members) }
        return Flattened(nested: nested, cycles: nested.cycles)
    }

    /// Phase 7: roles, from the role attribute and from role groups (effective membership).
    static func roles(
        numbering: Numbering, flattened: Flattened, roleGroups: [String: String]
    ) -> Set<RoleRow> {
        var roles: Set<RoleRow> = []
        for (number, names) in numbering.attributeRoles.enumerated() where numbering.users[number] != nil {
            for name in names {
                roles.insert(RoleRow(userExternalID: numbering.userIDs[Int32(number)], role: name, source: "attribute"))
            }
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
        for (number, record) in numbering.groups.enumerated() {
            guard let record, let role = roleByDN[record.row.dnKey] ?? roleByName[record.name.lowercased()] else {
                continue
            }
            for (user, _) in nested.members[number] {
                roles.insert(RoleRow(userExternalID: numbering.userIDs[user], role: role, source: "group:\(record.dn)"))
            }
        }
        return roles
    }
}
