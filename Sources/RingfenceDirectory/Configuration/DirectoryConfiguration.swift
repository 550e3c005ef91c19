import Foundation

/// How to read users, groups and roles from a directory: where it is, how to bind, which
/// entries and attributes mean what, and the safety limits of a sync.
///
/// Written in the `directory:` section of the configuration file (docs/directory.md).
/// A `preset` (`openldap` or `active-directory`) fills in every attribute and filter; any
/// field given explicitly wins over the preset.
public struct DirectoryConfiguration: Sendable, Equatable {
    /// Known directory products.
    public enum Preset: String, Sendable, Codable, CaseIterable {
        case openldap
        case activeDirectory = "active-directory"
    }

    /// An attribute that lists a kind of group's members, and how its values name them.
    public struct MemberAttribute: Sendable, Equatable {
        /// What a value of the attribute is.
        public enum Values: String, Sendable, CaseIterable {
            /// A member's DN (`member`, `uniqueMember` without its `#'…'B` suffix).
            case dn
            /// A user's name, matched with the users' name attribute (`memberUid`).
            case username
        }
        /// The object class of the groups this applies to; nil: every group.
        public var objectClass: String?
        /// The attribute.
        public var attribute: String
        public var values: Values

        public init(objectClass: String?, attribute: String, values: Values = .dn) {
            self.objectClass = objectClass
            self.attribute = attribute
            self.values = values
        }
    }

    /// How incremental runs find the users that changed.
    public enum ChangeTracking: String, Sendable, CaseIterable {
        /// `modifyTimestamp` at or after the greatest one seen (OpenLDAP).
        case modifyTimestamp = "modify-timestamp"
        /// `uSNChanged` above the server's `highestCommittedUSN` at the last run, and deleted
        /// users from the Deleted Objects container (Active Directory). USNs belong to one
        /// domain controller: a run against another one is full.
        case usn
    }

    /// When an account counts as disabled.
    public struct DisabledRule: Sendable, Equatable, Codable {
        /// How the attribute is tested.
        public enum Test: String, Sendable, Codable, CaseIterable {
            /// Disabled when the attribute is present (OpenLDAP `pwdAccountLockedTime`).
            case present
            /// Disabled when the attribute equals `value` (case-insensitive).
            case equals
            /// Disabled when the attribute, read as an integer, has any bit of `value` set
            /// (Active Directory `userAccountControl` bit 2, ACCOUNTDISABLE).
            case bitmask
        }
        public var attribute: String
        public var test: Test
        public var value: String?

        public init(attribute: String, test: Test, value: String? = nil) {
            self.attribute = attribute
            self.test = test
            self.value = value
        }
    }

    public var preset: Preset
    /// `ldap://host:port/` or `ldaps://host:port/`.
    public var url: String
    /// `none`, `starttls` or `ldaps` (default from the URL scheme).
    public var security: LDAPConnectionOptions.Security
    /// CA certificate file (PEM) for TLS.
    public var caFile: String?
    /// DN of the service account the sync binds as.
    public var bindDN: String
    /// File holding the bind password (first line). Takes precedence over `passwordEnv`.
    public var passwordFile: String?
    /// Environment variable holding the bind password.
    public var passwordEnv: String
    public var connectTimeoutSeconds: Int
    public var operationTimeoutSeconds: Int
    /// Entries per page of a paged search (RFC 2696).
    public var pageSize: Int

    public var userBaseDN: String
    public var userFilter: String
    /// Stable identity: `entryUUID` (OpenLDAP) or `objectGUID` (AD).
    public var userIdAttribute: String
    public var usernameAttribute: String
    public var emailAttribute: String
    public var displayNameAttribute: String
    public var disabled: DisabledRule?

    public var groupBaseDN: String
    public var groupFilter: String
    public var groupIdAttribute: String
    public var groupNameAttribute: String
    public var groupDescriptionAttribute: String
    public var groupOwnerAttribute: String
    /// Which attributes list members, per object class of group; a group reads every
    /// attribute whose object class it has (docs/directory.md).
    public var memberAttributes: [MemberAttribute]
    /// Attribute of users that lists the DNs of their groups (`memberOf`), if read too.
    public var userMemberOfAttribute: String?
    /// Ask for member values in ranges of this many (Active Directory's ranged retrieval);
    /// nil asks for all and follows whatever ranges the server cuts them into.
    public var memberRangeSize: Int?
    /// How incremental runs find changed users.
    public var changeTracking: ChangeTracking

    /// Attribute of users whose values are roles (e.g. `employeeType`), if any.
    public var roleAttribute: String?
    /// Groups (by name or DN) whose members get a role.
    public var roleGroups: [String: String]

    /// Deletion guard: refuse a run that removes more than this many users, groups or memberships...
    public var maxDeletions: Int
    /// ...or more than this share of them (0...1).
    public var maxDeletionShare: Double

    /// `ringfence serve`: incremental sync interval and full sync interval, in seconds.
    public var incrementalEverySeconds: Int
    public var fullEverySeconds: Int

    /// Defaults of a preset; `url`, `bindDN` and base DNs still need values.
    public init(preset: Preset, url: String, bindDN: String, baseDN: String) {
        self.preset = preset
        self.url = url
        self.security = url.lowercased().hasPrefix("ldaps://") ? .ldaps : .none
        self.caFile = nil
        self.bindDN = bindDN
        self.passwordFile = nil
        self.passwordEnv = "RINGFENCE_LDAP_PASSWORD"
        self.connectTimeoutSeconds = 10
        self.operationTimeoutSeconds = 120
        self.pageSize = 500
        self.maxDeletions = 500
        self.maxDeletionShare = 0.10
        self.incrementalEverySeconds = 900
        self.fullEverySeconds = 86_400
        self.roleGroups = [:]
        self.userBaseDN = baseDN
        self.groupBaseDN = baseDN
        switch preset {
        case .openldap:
            userFilter = "(objectClass=inetOrgPerson)"
            userIdAttribute = "entryUUID"
            usernameAttribute = "uid"
            emailAttribute = "mail"
            displayNameAttribute = "displayName"
            disabled = DisabledRule(attribute: "pwdAccountLockedTime", test: .present)
            groupFilter = "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup))"
            groupIdAttribute = "entryUUID"
            groupNameAttribute = "cn"
            groupDescriptionAttribute = "description"
            groupOwnerAttribute = "owner"
            memberAttributes = [
                MemberAttribute(objectClass: "groupOfNames", attribute: "member"),
                MemberAttribute(objectClass: "groupOfUniqueNames", attribute: "uniqueMember"),
                MemberAttribute(objectClass: "posixGroup", attribute: "memberUid", values: .username),
            ]
            userMemberOfAttribute = nil
            memberRangeSize = nil
            changeTracking = .modifyTimestamp
            roleAttribute = nil
        case .activeDirectory:
            userFilter = "(&(objectCategory=person)(objectClass=user))"
            userIdAttribute = "objectGUID"
            usernameAttribute = "sAMAccountName"
            emailAttribute = "mail"
            displayNameAttribute = "displayName"
            disabled = DisabledRule(attribute: "userAccountControl", test: .bitmask, value: "2")
            groupFilter = "(objectClass=group)"
            groupIdAttribute = "objectGUID"
            groupNameAttribute = "cn"
            groupDescriptionAttribute = "description"
            groupOwnerAttribute = "managedBy"
            memberAttributes = [MemberAttribute(objectClass: "group", attribute: "member")]
            userMemberOfAttribute = nil
            memberRangeSize = nil
            changeTracking = .usn
            roleAttribute = nil
        }
    }

    /// Connection options for `LDAPConnection`.
    public var connectionOptions: LDAPConnectionOptions {
        LDAPConnectionOptions(
            url: url, security: security, caFile: caFile,
            connectTimeout: .seconds(connectTimeoutSeconds), operationTimeout: .seconds(operationTimeoutSeconds))
    }

    /// The bind password from `passwordFile` or the `passwordEnv` variable. Never logged.
    public func password(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(DirectoryConfigurationError) -> String
    {
        if let passwordFile {
            let text: String
            do {
                text = try String(contentsOf: URL(fileURLWithPath: passwordFile), encoding: .utf8)
            } catch {
                throw DirectoryConfigurationError(
                    "directory.passwordFile: cannot read \(passwordFile): \(Self.reason(error, path: passwordFile))")
            }
            let password = String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
            guard !password.isEmpty else {
                throw DirectoryConfigurationError(
                    "directory.passwordFile: \(passwordFile) is empty (the password is its first line)")
            }
            return password
        }
        guard let password = environment[passwordEnv], !password.isEmpty else {
            throw DirectoryConfigurationError(
                "no LDAP bind password: set directory.passwordFile or the environment variable \(passwordEnv)")
        }
        return password
    }

    /// Why a file could not be read, in words (not found, not allowed, a folder…).
    static func reason(_ error: any Error, path: String) -> String {
        var isFolder: ObjCBool = false
        if !FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) { return "no such file" }
        if isFolder.boolValue { return "it is a folder" }
        if !FileManager.default.isReadableFile(atPath: path) { return "permission denied" }
        if (error as NSError).code == NSFileReadInapplicableStringEncodingError { return "it is not UTF-8 text" }
        return (error as NSError).localizedDescription
    }

    /// The attribute whose values mark a change, for incremental runs.
    var changeAttribute: String { changeTracking == .usn ? "uSNChanged" : "modifyTimestamp" }

    /// The attributes to request for users.
    var userAttributes: [String] {
        var names = [userIdAttribute, usernameAttribute, emailAttribute, displayNameAttribute, changeAttribute]
        if let disabled { names.append(disabled.attribute) }
        if let roleAttribute { names.append(roleAttribute) }
        if let userMemberOfAttribute { names.append(userMemberOfAttribute) }
        return names
    }

    /// The attributes to request for groups (member attributes ranged when asked).
    var groupAttributes: [String] {
        var names = [
            "objectClass", groupIdAttribute, groupNameAttribute, groupDescriptionAttribute, groupOwnerAttribute,
        ]
        for member in memberAttributes
        where !names.contains(where: { $0.lowercased() == member.attribute.lowercased() }) {
            names.append(memberRangeSize.map { "\(member.attribute);range=0-\($0 - 1)" } ?? member.attribute)
        }
        return names
    }

    /// Checks values that cannot work; returns every problem with its key inside the
    /// `directory` section (`users.filter`).
    public func problems() -> [(key: String, message: String)] {
        var problems: [(key: String, message: String)] = []
        let scheme = url.lowercased()
        if !(scheme.hasPrefix("ldap://") || scheme.hasPrefix("ldaps://")) {
            problems.append(("url", "expected ldap://host:port/ or ldaps://host:port/, got '\(url)'"))
        }
        if bindDN.isEmpty { problems.append(("bindDN", "required")) }
        if userBaseDN.isEmpty { problems.append(("users.baseDN", "required (or baseDN)")) }
        if groupBaseDN.isEmpty { problems.append(("groups.baseDN", "required (or baseDN)")) }
        if !(1...10_000).contains(pageSize) { problems.append(("pageSize", "must be 1...10000, got \(pageSize)")) }
        if maxDeletions < 0 { problems.append(("deletionGuard.maxDeletions", "must not be negative")) }
        if !(0...1).contains(maxDeletionShare) {
            problems.append(("deletionGuard.maxShare", "must be between 0 and 1, got \(maxDeletionShare.formatted())"))
        }
        for (name, filter) in [("users.filter", userFilter), ("groups.filter", groupFilter)]
        where !(filter.hasPrefix("(") && filter.hasSuffix(")")) {
            problems.append((name, "an LDAP filter must be enclosed in parentheses, got '\(filter)'"))
        }
        if memberAttributes.isEmpty && userMemberOfAttribute == nil {
            problems.append(
                ("groups.members", "no attribute lists members: give groups.members or users.memberOfAttribute"))
        }
        if let memberRangeSize, !(1...100_000).contains(memberRangeSize) {
            problems.append(("groups.rangeSize", "must be 1...100000, got \(memberRangeSize)"))
        }
        if let disabled, disabled.test != .present, disabled.value == nil {
            problems.append(("users.disabled.value", "required for test '\(disabled.test.rawValue)'"))
        }
        return problems
    }
}

/// A directory configuration that cannot be used.
public struct DirectoryConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
