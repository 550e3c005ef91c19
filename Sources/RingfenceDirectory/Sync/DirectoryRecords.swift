import RingfenceCore

/// A user as read from the directory, validated: the row to store plus what only the sync
/// needs (roles from the attribute, `memberOf`, the modification time). The row's fields
/// read directly (`record.username`).
@dynamicMemberLookup
public struct UserRecord: Sendable, Hashable {
    /// What is stored in `directory_users`. The external id is the stable identity
    /// (entryUUID / objectGUID, or the lower-cased DN when the directory has none).
    public var row: UserRow
    /// Roles from the role attribute.
    public var roles: [String]
    /// Group DNs from `memberOf` (only with the member-of membership source).
    public var memberOf: [String]
    /// `modifyTimestamp` as the directory wrote it (generalized time), for incremental runs.
    public var modifyTimestamp: String?

    public init(
        externalID: String, dn: String, username: String, email: String? = nil, displayName: String? = nil,
        disabled: Bool = false, roles: [String] = [], memberOf: [String] = [], modifyTimestamp: String? = nil
    ) {
        self.row = UserRow(
            externalID: externalID, dn: dn, username: username, email: email, displayName: displayName,
            disabled: disabled)
        self.roles = roles
        self.memberOf = memberOf
        self.modifyTimestamp = modifyTimestamp
    }

    public subscript<Value>(dynamicMember field: KeyPath<UserRow, Value>) -> Value { row[keyPath: field] }
}

/// A group as read from the directory, validated.
public struct GroupRecord: Sendable, Hashable {
    public var externalID: String
    public var dn: String
    public var name: String
    public var description: String?
    /// DNs of the people responsible (report recipients).
    public var owners: [String]
    /// Direct members: DNs (member-dn, member-of) or user names (member-username).
    public var members: [String]
    /// Group DNs from `memberOf` (member-of source).
    public var memberOf: [String]

    public init(
        externalID: String, dn: String, name: String, description: String? = nil, owners: [String] = [],
        members: [String] = [], memberOf: [String] = []
    ) {
        self.externalID = externalID
        self.dn = dn
        self.name = name
        self.description = description
        self.owners = owners
        self.members = members
        self.memberOf = memberOf
    }
}

/// An entry the sync refused, and why. The DN is kept; values are not (they may be hostile).
public struct RejectedEntry: Error, Sendable, Hashable, CustomStringConvertible {
    public var dn: String
    public var reason: String
    public var description: String { "\(dn): \(reason)" }
}

/// Everything one read of the directory produced.
public struct DirectoryData: Sendable {
    public var users: [UserRecord]
    public var groups: [GroupRecord]
    public var rejected: [RejectedEntry]

    public init(users: [UserRecord] = [], groups: [GroupRecord] = [], rejected: [RejectedEntry] = []) {
        self.users = users
        self.groups = groups
        self.rejected = rejected
    }
}
