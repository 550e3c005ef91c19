/// Who a person signing in to the console is (docs/console.md "Roles"): the strongest role
/// whose directory groups they are in (nested membership counts), else `manager` when they
/// own a group, else nobody. Pure: the groups and ownership come from the directory mirror.
public struct ConsoleRoles: Sendable, Equatable {
    /// The directory groups that give each role.
    public var groups: [AdminRole: [String]]

    public init(groups: [AdminRole: [String]] = [:]) {
        self.groups = groups
    }

    /// The role of a person in `memberOf` (names, any case) who owns groups or not; nil:
    /// not allowed in.
    public func role(memberOf: [String], ownsGroups: Bool) -> AdminRole? {
        let member = Set(memberOf.map { $0.lowercased() })
        let granted = groups.filter { _, names in names.contains { member.contains($0.lowercased()) } }.keys
        if let strongest = granted.max() { return strongest }
        return ownsGroups ? .manager : nil
    }
}
