/// What a person or automation may do through the admin API and the console
/// (docs/admin-api.md "Roles"). Roles come from admin tokens and, for people who sign in,
/// from the directory groups the configuration maps to them.
public enum AdminRole: String, Sendable, CaseIterable, Codable, Comparable {
    /// Everything: publish, roll back, approve exceptions, manage tokens.
    case admin
    /// Keys, enrolment and exceptions, and everything a viewer reads.
    case `operator`
    /// Reads the fleet, groups, decisions and revisions; changes nothing.
    case viewer
    /// Reads only the groups they own (the directory's `owner` of the group), and the
    /// exception requests of their members, which they decide.
    case manager

    /// Whether this role may do `permission` at all; a manager's reads are further limited
    /// to their own groups by the handlers, which know the data.
    public func allows(_ permission: AdminPermission) -> Bool {
        switch self {
        case .admin: true
        case .`operator`: permission != .publish && permission != .manageTokens
        case .viewer: permission.isRead
        case .manager:
            [.readOwnGroups, .session, .readExceptions, .decideExceptions].contains(permission)
        }
    }

    /// A rank for sorting and for picking the strongest of several mapped roles.
    var rank: Int {
        switch self {
        case .admin: 3
        case .`operator`: 2
        case .viewer: 1
        case .manager: 0
        }
    }

    public static func < (lhs: AdminRole, rhs: AdminRole) -> Bool { lhs.rank < rhs.rank }
}

/// One thing the admin API lets a caller do; every operation of the API needs exactly one
/// (`AdminOperationPermissions`).
public enum AdminPermission: String, Sendable, CaseIterable {
    /// Who am I.
    case session
    /// The fleet and hosts.
    case readFleet
    /// Any group, its members and ring.
    case readGroups
    /// Only groups one owns (what managers have instead of `readGroups`).
    case readOwnGroups
    /// Resolve and explain decisions; read revisions and previews.
    case readPolicy
    /// Publish and roll back policy.
    case publish
    /// Create, list and revoke admin tokens.
    case manageTokens
    /// Exception requests (a manager: those they may decide).
    case readExceptions
    /// Approve or deny exception requests — only those the person may decide (an owner of
    /// one of the requester's groups, or a member of the approver group).
    case decideExceptions
    /// The rollout plan's steps and gates.
    case readRollout

    /// Whether the permission only reads.
    public var isRead: Bool {
        switch self {
        case .session, .readFleet, .readGroups, .readOwnGroups, .readPolicy, .readExceptions, .readRollout: true
        case .publish, .manageTokens, .decideExceptions: false
        }
    }
}
