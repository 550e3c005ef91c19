/// What the database holds now: live users and groups, their direct memberships in
/// compact form and the roles.
///
/// Users and groups are kept in arrays in the order of their row ids, and a user's (or
/// group's) position is its number in `userIDs` (`groupIDs`), the numbering `memberships`
/// use — so a hundred thousand users cost one array, not a dictionary of rows.
public struct DirectoryState: Sendable {
    /// A live row and its id in the database.
    public struct Stored<Row: Sendable & Hashable>: Sendable, Hashable {
        public var id: Int64
        public var row: Row
    }

    public private(set) var users: [Stored<UserRow>] = []
    public private(set) var groups: [Stored<GroupRow>] = []
    /// External ids of the users and of the groups, numbered by position in `users` and
    /// `groups`.
    public private(set) var userIDs = NameTable()
    public private(set) var groupIDs = NameTable()
    /// Direct memberships, numbered in `userIDs` and `groupIDs`.
    public var memberships: Set<Membership> = []
    public var roles: Set<RoleRow> = []

    public init() {}

    /// A state from rows by id and memberships by external ids (memberships naming a user
    /// or group that is not there are left out).
    public init(
        users: [Int64: UserRow] = [:], groups: [Int64: GroupRow] = [:], memberships: Set<MembershipKey> = [],
        roles: Set<RoleRow> = []
    ) {
        for id in users.keys.sorted() { append(user: users[id]!, id: id) }
        for id in groups.keys.sorted() { append(group: groups[id]!, id: id) }
        for key in memberships {
            guard let group = groupIDs.existingNumber(key.groupExternalID),
                let member = key.memberIsGroup
                    ? groupIDs.existingNumber(key.memberExternalID) : userIDs.existingNumber(key.memberExternalID)
            else { continue }
            self.memberships.insert(Membership(group: group, member: member, memberIsGroup: key.memberIsGroup))
        }
        self.roles = roles
    }

    /// Adds a user (rows come in the order of their ids); returns its number, or nil when
    /// a user with the same external id is there already (the first row wins).
    @discardableResult
    public mutating func append(user row: UserRow, id: Int64) -> Int32? {
        guard userIDs.existingNumber(row.externalID) == nil else { return nil }
        users.append(Stored(id: id, row: row))
        return userIDs.number(row.externalID)
    }

    /// Adds a group; returns its number, or nil as for users.
    @discardableResult
    public mutating func append(group row: GroupRow, id: Int64) -> Int32? {
        guard groupIDs.existingNumber(row.externalID) == nil else { return nil }
        groups.append(Stored(id: id, row: row))
        return groupIDs.number(row.externalID)
    }

    /// The memberships by external ids (for comparing states read at different times).
    public var membershipKeys: Set<MembershipKey> {
        Set(memberships.map { $0.key(users: userIDs, groups: groupIDs) })
    }
}
