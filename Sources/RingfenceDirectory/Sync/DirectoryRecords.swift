/// A user as read from the directory, validated.
public struct UserRecord: Sendable, Hashable {
    /// Stable identity (entryUUID / objectGUID, or the DN when the directory has none).
    public var externalID: String
    public var dn: String
    public var username: String
    public var email: String?
    public var displayName: String?
    public var disabled: Bool
    /// Roles from the role attribute.
    public var roles: [String]
    /// Group DNs from `memberOf` (only with the member-of membership source).
    public var memberOf: [String]
    /// `modifyTimestamp` as the directory wrote it (generalized time), for incremental runs.
    public var modifyTimestamp: String?

    public init(externalID: String, dn: String, username: String, email: String? = nil, displayName: String? = nil,
                disabled: Bool = false, roles: [String] = [], memberOf: [String] = [], modifyTimestamp: String? = nil) {
        self.externalID = externalID
        self.dn = dn
        self.username = username
        self.email = email
        self.displayName = displayName
        self.disabled = disabled
        self.roles = roles
        self.memberOf = memberOf
        self.modifyTimestamp = modifyTimestamp
    }
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

    public init(externalID: String, dn: String, name: String, description: String? = nil, owners: [String] = [],
                members: [String] = [], memberOf: [String] = []) {
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
