import Foundation
import Yams

extension DirectoryConfiguration {
    /// The `directory:` section as written in YAML. Every field is optional; the preset
    /// supplies the rest. Unknown keys are refused (see `decode(from:)`).
    struct File: Decodable {
        var preset: Preset?
        var url: String?
        var security: LDAPConnectionOptions.Security?
        var caFile: String?
        var bindDN: String?
        var passwordFile: String?
        var passwordEnv: String?
        var baseDN: String?
        var timeouts: Timeouts?
        var pageSize: Int?
        var users: Users?
        var groups: Groups?
        var roles: Roles?
        var deletionGuard: Guard?
        var schedule: Schedule?

        struct Timeouts: Decodable { var connect: Int?; var operation: Int? }
        struct Users: Decodable {
            var baseDN: String?
            var filter: String?
            var idAttribute: String?
            var usernameAttribute: String?
            var emailAttribute: String?
            var displayNameAttribute: String?
            var disabled: DisabledRule?
        }
        struct Groups: Decodable {
            var baseDN: String?
            var filter: String?
            var idAttribute: String?
            var nameAttribute: String?
            var descriptionAttribute: String?
            var ownerAttribute: String?
            var membership: MembershipSource?
            var memberAttribute: String?
        }
        struct Roles: Decodable { var attribute: String?; var groups: [String: String]? }
        struct Guard: Decodable { var maxDeletions: Int?; var maxShare: Double? }
        struct Schedule: Decodable { var incrementalEvery: Int?; var fullEvery: Int? }
    }

    /// Allowed keys per section; `roles.groups` is a free map of group to role.
    static let schema: [String: [String]] = [
        "": ["preset", "url", "security", "caFile", "bindDN", "passwordFile", "passwordEnv", "baseDN", "timeouts", "pageSize",
             "users", "groups", "roles", "deletionGuard", "schedule"],
        "timeouts": ["connect", "operation"],
        "users": ["baseDN", "filter", "idAttribute", "usernameAttribute", "emailAttribute", "displayNameAttribute", "disabled"],
        "users.disabled": ["attribute", "test", "value"],
        "groups": ["baseDN", "filter", "idAttribute", "nameAttribute", "descriptionAttribute", "ownerAttribute", "membership", "memberAttribute"],
        "roles": ["attribute", "groups"],
        "deletionGuard": ["maxDeletions", "maxShare"],
        "schedule": ["incrementalEvery", "fullEvery"],
    ]

    /// Every key of the YAML that the schema does not know, as dotted paths.
    static func unknownKeys(in node: Node, path: String = "") -> [String] {
        guard let mapping = node.mapping, let allowed = schema[path] else { return [] }
        var unknown: [String] = []
        for (key, value) in mapping {
            let name = key.scalar?.string ?? "?"
            let child = path.isEmpty ? name : path + "." + name
            if !allowed.contains(name) {
                unknown.append(child)
            } else {
                unknown += unknownKeys(in: value, path: child)
            }
        }
        return unknown
    }

    /// Reads the `directory:` section from YAML text and validates it.
    public static func decode(yaml: String) throws(DirectoryConfigurationError) -> DirectoryConfiguration {
        if let node = try? Yams.compose(yaml: yaml) {
            let unknown = unknownKeys(in: node)
            guard unknown.isEmpty else {
                throw DirectoryConfigurationError("directory: unknown key\(unknown.count == 1 ? "" : "s") \(unknown.map { "'\($0)'" }.joined(separator: ", ")) (see docs/directory.md)")
            }
        }
        let file: File
        do {
            file = try YAMLDecoder().decode(File.self, from: yaml)
        } catch let error as DecodingError {
            throw DirectoryConfigurationError("directory: \(error.readable)")
        } catch {
            throw DirectoryConfigurationError("directory: not valid YAML: \(error)")
        }
        return try make(from: file)
    }

    static func make(from file: File) throws(DirectoryConfigurationError) -> DirectoryConfiguration {
        guard let url = file.url else { throw DirectoryConfigurationError("directory.url: required") }
        var configuration = DirectoryConfiguration(
            preset: file.preset ?? .openldap, url: url, bindDN: file.bindDN ?? "", baseDN: file.baseDN ?? "")
        if let value = file.security { configuration.security = value }
        configuration.caFile = file.caFile
        configuration.passwordFile = file.passwordFile
        if let value = file.passwordEnv { configuration.passwordEnv = value }
        if let value = file.timeouts?.connect { configuration.connectTimeoutSeconds = value }
        if let value = file.timeouts?.operation { configuration.operationTimeoutSeconds = value }
        if let value = file.pageSize { configuration.pageSize = value }
        if let users = file.users {
            if let value = users.baseDN { configuration.userBaseDN = value }
            if let value = users.filter { configuration.userFilter = value }
            if let value = users.idAttribute { configuration.userIdAttribute = value }
            if let value = users.usernameAttribute { configuration.usernameAttribute = value }
            if let value = users.emailAttribute { configuration.emailAttribute = value }
            if let value = users.displayNameAttribute { configuration.displayNameAttribute = value }
            if let value = users.disabled { configuration.disabled = value }
        }
        if let groups = file.groups {
            if let value = groups.baseDN { configuration.groupBaseDN = value }
            if let value = groups.filter { configuration.groupFilter = value }
            if let value = groups.idAttribute { configuration.groupIdAttribute = value }
            if let value = groups.nameAttribute { configuration.groupNameAttribute = value }
            if let value = groups.descriptionAttribute { configuration.groupDescriptionAttribute = value }
            if let value = groups.ownerAttribute { configuration.groupOwnerAttribute = value }
            if let value = groups.membership { configuration.membership = value }
            if let value = groups.memberAttribute { configuration.memberAttribute = value }
        }
        configuration.roleAttribute = file.roles?.attribute
        configuration.roleGroups = file.roles?.groups ?? [:]
        if let value = file.deletionGuard?.maxDeletions { configuration.maxDeletions = value }
        if let value = file.deletionGuard?.maxShare { configuration.maxDeletionShare = value }
        if let value = file.schedule?.incrementalEvery { configuration.incrementalEverySeconds = value }
        if let value = file.schedule?.fullEvery { configuration.fullEverySeconds = value }
        let problems = configuration.problems()
        guard problems.isEmpty else { throw DirectoryConfigurationError(problems.joined(separator: "; ")) }
        return configuration
    }
}

extension DecodingError {
    /// "users.disabled.test: unknown value 'maybe'" rather than Swift's debug text.
    var readable: String {
        func path(_ context: Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch self {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "\(path(context)): missing key '\(key.stringValue)'"
        @unknown default:
            return "\(self)"
        }
    }
}
