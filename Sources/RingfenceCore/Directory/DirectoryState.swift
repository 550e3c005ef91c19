import Foundation

/// What the database holds now.
public struct DirectoryState: Sendable {
    public var users: [Int64: UserRow]
    public var groups: [Int64: GroupRow]
    public var memberships: Set<MembershipKey>
    public var roles: Set<RoleRow>

    public init(
        users: [Int64: UserRow] = [:], groups: [Int64: GroupRow] = [:], memberships: Set<MembershipKey> = [],
        roles: Set<RoleRow> = []
    ) {
        self.users = users
        self.groups = groups
        self.memberships = memberships
        self.roles = roles
    }
}
