import RingfenceCore

/// A user as read from the directory, validated: the row to store plus what only the sync
/// needs (roles from the attribute, `memberOf`, the change mark). The row's fields read
/// directly (`record.username`).
@dynamicMemberLookup
public struct UserRecord: Sendable, Hashable {
    /// What is stored in `directory_users`. The external id is the stable identity
    /// (entryUUID / objectGUID, or the DN's key when the directory has none).
    public var row: UserRow
    /// Roles from the role attribute.
    public var roles: [String]
    /// Groups from the users' `memberOf` attribute, as numbers of DN keys in the read's
    /// `NameTable` (only when `users.memberOfAttribute` is set).
    public var memberOf: [Int32]
    /// The change mark as the directory wrote it (`modifyTimestamp` or `uSNChanged`).
    public var changeMark: String?

    public init(
        externalID: String, dn: String, username: String, email: String? = nil, displayName: String? = nil,
        disabled: Bool = false, roles: [String] = [], memberOf: [Int32] = [], changeMark: String? = nil,
        dnKey: String? = nil
    ) {
        self.row = UserRow(
            externalID: externalID, dn: dn, username: username, email: email, displayName: displayName,
            disabled: disabled, dnKey: dnKey)
        self.roles = roles
        self.memberOf = memberOf
        self.changeMark = changeMark
    }

    public subscript<Value>(dynamicMember field: KeyPath<UserRow, Value>) -> Value { row[keyPath: field] }
}

/// One value of a group's member attribute: which attribute (index into
/// `DirectoryConfiguration.memberAttributes`) and the value's number in the read's
/// `NameTable` (a DN key, or a lower-cased user name).
public struct MemberValue: Sendable, Hashable {
    public var attribute: UInt8
    public var name: Int32

    public init(attribute: UInt8, name: Int32) {
        self.attribute = attribute
        self.name = name
    }
}

/// A group as read from the directory, validated.
public struct GroupRecord: Sendable, Hashable {
    /// What is stored in `directory_groups` (owners as DN keys).
    public var row: GroupRow
    /// Direct members as read, in the read's `NameTable`.
    public var members: [MemberValue]
    /// Member values that are not DNs, as written (attribute, value).
    public var invalidMembers: [String]
    /// The group's object classes when none of them has a member attribute configured
    /// (its members were not read); nil when they were.
    public var unreadObjectClasses: [String]?

    public var externalID: String { row.externalID }
    public var dn: String { row.dn }
    public var name: String { row.name }

    public init(
        row: GroupRow, members: [MemberValue] = [], invalidMembers: [String] = [],
        unreadObjectClasses: [String]? = nil
    ) {
        self.row = row
        self.members = members
        self.invalidMembers = invalidMembers
        self.unreadObjectClasses = unreadObjectClasses
    }
}

/// An entry the sync refused, and why. The DN is kept; values are not (they may be hostile).
public struct RejectedEntry: Error, Sendable, Hashable, CustomStringConvertible {
    public var dn: String
    public var reason: String
    public var description: String { "\(dn): \(reason)" }
}

/// Everything one read of the directory produced. Member values are numbers in `names`,
/// so a million of them cost four bytes each, plus each distinct value once.
public struct DirectoryData: Sendable {
    public var users: [UserRecord]
    public var groups: [GroupRecord]
    public var rejected: [RejectedEntry]
    /// DN keys and user names of member values.
    public var names: NameTable
    /// External ids of users the directory reports deleted since the last run (Active
    /// Directory's Deleted Objects, incremental runs).
    public var deletedUsers: [String]

    public init(
        users: [UserRecord] = [], groups: [GroupRecord] = [], rejected: [RejectedEntry] = [],
        names: NameTable = NameTable(), deletedUsers: [String] = []
    ) {
        self.users = users
        self.groups = groups
        self.rejected = rejected
        self.names = names
        self.deletedUsers = deletedUsers
    }
}
