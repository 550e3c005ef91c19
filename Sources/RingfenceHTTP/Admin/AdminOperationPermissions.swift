import RingfenceCore

/// The permission each operation of the admin API needs, by its `operationId` in
/// openapi/admin.yaml. An operation missing here is refused to everyone (a test reads the
/// document and checks every operation has an entry).
public enum AdminOperationPermissions {
    public static let required: [String: AdminPermission] = [
        "getMe": .session,
        "getFleetSummary": .readFleet,
        "listHosts": .readFleet,
        "getHost": .readFleet,
        "listGroups": .readOwnGroups,
        "getGroup": .readOwnGroups,
        "getGroupReports": .readOwnGroups,
        "resolvePolicy": .readPolicy,
        "listRevisions": .readPolicy,
        "getRevision": .readPolicy,
        "previewPolicy": .readPolicy,
        "publishPolicy": .publish,
        "rollbackPolicy": .publish,
        "listTokens": .manageTokens,
        "createToken": .manageTokens,
        "revokeToken": .manageTokens,
        "listExceptions": .readExceptions,
        "getException": .readExceptions,
        "approveException": .decideExceptions,
        "denyException": .decideExceptions,
        "getRolloutStatus": .readRollout,
    ]

    /// Whether `role` may call `operationID` at all.
    public static func allows(_ role: AdminRole, _ operationID: String) -> Bool {
        guard let permission = required[operationID] else { return false }
        return role.allows(permission)
    }
}
