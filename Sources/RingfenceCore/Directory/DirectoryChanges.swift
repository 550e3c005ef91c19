import Foundation

/// What a sync run writes, in one transaction.
public struct DirectoryChanges: Sendable {
    public var usersToInsert: [UserRow] = []
    public var usersToUpdate: [(id: Int64, row: UserRow)] = []
    public var usersToDelete: [Int64] = []
    public var groupsToInsert: [GroupRow] = []
    public var groupsToUpdate: [(id: Int64, row: GroupRow)] = []
    public var groupsToDelete: [Int64] = []
    /// External ids of users and groups, numbered for the memberships and effective rows
    /// below (the state's numbering, extended with the run's new users and groups).
    public var userIDs = NameTable()
    public var groupIDs = NameTable()
    public var membershipsToAdd: [Membership] = []
    public var membershipsToRemove: [Membership] = []
    public var history: [MembershipChange] = []
    /// The complete role set when it changed; nil when unchanged.
    public var roles: [RoleRow]?
    /// The complete effective membership when it changed; nil when unchanged.
    public var effective: EffectiveMemberships?

    public init() {}

    /// Whether anything would be written.
    public var isEmpty: Bool {
        usersToInsert.isEmpty && usersToUpdate.isEmpty && usersToDelete.isEmpty && groupsToInsert.isEmpty
            && groupsToUpdate.isEmpty && groupsToDelete.isEmpty && membershipsToAdd.isEmpty
            && membershipsToRemove.isEmpty
            && roles == nil && effective == nil
    }
}
