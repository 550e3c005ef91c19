import Foundation
import RingfenceFiles

extension DirectoryConfiguration {
    /// Keys of the `directory:` section; `roles.groups` is a free map of group to role.
    static let keys = [
        "preset", "url", "security", "caFile", "bindDN", "passwordFile", "passwordEnv", "baseDN", "timeouts",
        "pageSize", "changeTracking", "users", "groups", "roles", "deletionGuard", "schedule",
    ]

    /// Reads the `directory:` section (docs/directory.md) with the strict reader: every
    /// field is optional but `url`, `bindDN` and the base DNs, the preset supplies the
    /// rest; unknown keys, wrong types and values that cannot work are reported at their
    /// line into `value`'s problems. Nil when there was a problem.
    public static func read(_ value: YAMLValue) -> DirectoryConfiguration? {
        let before = value.errors.errors.count
        guard let fields = value.mapping(allowed: keys) else { return nil }
        guard let url = fields["url"]?.nonEmptyString() else {
            if fields["url"] == nil { value.missing("url", "ldap://host:port/ or ldaps://host:port/") }
            return nil
        }
        var configuration = DirectoryConfiguration(
            preset: fields["preset"]?.choice(Preset.self) ?? .openldap, url: url,
            bindDN: fields["bindDN"]?.string() ?? "",
            baseDN: fields["baseDN"]?.string() ?? "")
        if let security = fields["security"]?.choice(LDAPConnectionOptions.Security.self) {
            configuration.security = security
        }
        configuration.caFile = fields["caFile"]?.nonEmptyString()
        configuration.passwordFile = fields["passwordFile"]?.nonEmptyString()
        if let name = fields["passwordEnv"]?.nonEmptyString() { configuration.passwordEnv = name }
        if let timeouts = fields["timeouts"]?.mapping(allowed: ["connect", "operation"]) {
            if let seconds = timeouts["connect"]?.int(in: 1...3_600) { configuration.connectTimeoutSeconds = seconds }
            if let seconds = timeouts["operation"]?.int(in: 1...86_400) {
                configuration.operationTimeoutSeconds = seconds
            }
        }
        if let size = fields["pageSize"]?.int() { configuration.pageSize = size }
        if let tracking = fields["changeTracking"]?.choice(ChangeTracking.self) {
            configuration.changeTracking = tracking
        }
        if let users = fields["users"]?.mapping(allowed: [
            "baseDN", "filter", "idAttribute", "usernameAttribute", "emailAttribute",
            "displayNameAttribute", "disabled", "memberOfAttribute",
        ]) {
            if let text = users["baseDN"]?.string() { configuration.userBaseDN = text }
            if let text = users["filter"]?.nonEmptyString() { configuration.userFilter = text }
            if let text = users["idAttribute"]?.nonEmptyString() { configuration.userIdAttribute = text }
            if let text = users["usernameAttribute"]?.nonEmptyString() { configuration.usernameAttribute = text }
            if let text = users["emailAttribute"]?.nonEmptyString() { configuration.emailAttribute = text }
            if let text = users["displayNameAttribute"]?.nonEmptyString() { configuration.displayNameAttribute = text }
            if let disabled = users["disabled"], let rule = disabledRule(disabled) { configuration.disabled = rule }
            if let text = users["memberOfAttribute"]?.nonEmptyString() { configuration.userMemberOfAttribute = text }
        }
        if let groups = fields["groups"]?.mapping(allowed: [
            "baseDN", "filter", "idAttribute", "nameAttribute", "descriptionAttribute",
            "ownerAttribute", "members", "rangeSize",
        ]) {
            if let text = groups["baseDN"]?.string() { configuration.groupBaseDN = text }
            if let text = groups["filter"]?.nonEmptyString() { configuration.groupFilter = text }
            if let text = groups["idAttribute"]?.nonEmptyString() { configuration.groupIdAttribute = text }
            if let text = groups["nameAttribute"]?.nonEmptyString() { configuration.groupNameAttribute = text }
            if let text = groups["descriptionAttribute"]?.nonEmptyString() {
                configuration.groupDescriptionAttribute = text
            }
            if let text = groups["ownerAttribute"]?.nonEmptyString() { configuration.groupOwnerAttribute = text }
            if let list = groups["members"]?.list() {
                let read = list.compactMap(memberAttribute)
                if read.count == list.count { configuration.memberAttributes = read }
            }
            if let size = groups["rangeSize"]?.int() { configuration.memberRangeSize = size }
        }
        if let roles = fields["roles"]?.mapping(allowed: ["attribute", "groups"]) {
            configuration.roleAttribute = roles["attribute"]?.nonEmptyString()
            for (group, role) in roles["groups"]?.entries() ?? [] {
                if let name = role.nonEmptyString() { configuration.roleGroups[group] = name }
            }
        }
        if let limits = fields["deletionGuard"]?.mapping(allowed: ["maxDeletions", "maxShare"]) {
            if let count = limits["maxDeletions"]?.int() { configuration.maxDeletions = count }
            if let share = limits["maxShare"]?.double() { configuration.maxDeletionShare = share }
        }
        if let schedule = fields["schedule"]?.mapping(allowed: ["incrementalEvery", "fullEvery"]) {
            if let seconds = schedule["incrementalEvery"]?.int(in: 1...Int.max) {
                configuration.incrementalEverySeconds = seconds
            }
            if let seconds = schedule["fullEvery"]?.int(in: 1...Int.max) { configuration.fullEverySeconds = seconds }
        }
        for problem in configuration.problems() {
            (value.value(at: problem.key) ?? value).at(path: value.path + "." + problem.key).fail(problem.message)
        }
        return value.errors.errors.count == before ? configuration : nil
    }

    /// One entry of `groups.members`: `{objectClass: groupOfNames, attribute: member, values: dn}`.
    static func memberAttribute(_ value: YAMLValue) -> MemberAttribute? {
        guard let fields = value.mapping(allowed: ["objectClass", "attribute", "values"]) else { return nil }
        guard let attribute = fields["attribute"]?.nonEmptyString() else {
            if fields["attribute"] == nil { value.missing("attribute", "member, uniqueMember, memberUid…") }
            return nil
        }
        return MemberAttribute(
            objectClass: fields["objectClass"]?.nonEmptyString(), attribute: attribute,
            values: fields["values"]?.choice(MemberAttribute.Values.self) ?? .dn)
    }

    static func disabledRule(_ value: YAMLValue) -> DisabledRule? {
        guard let fields = value.mapping(allowed: ["attribute", "test", "value"]) else { return nil }
        guard let attribute = fields["attribute"]?.nonEmptyString() else {
            if fields["attribute"] == nil { value.missing("attribute") }
            return nil
        }
        guard let test = fields["test"]?.choice(DisabledRule.Test.self) else {
            if fields["test"] == nil { value.missing("test", "present, equals or bitmask") }
            return nil
        }
        return DisabledRule(attribute: attribute, test: test, value: fields["value"]?.string())
    }

    /// Reads a `directory:` section from its own YAML text (tests, tools); throws every
    /// problem, located in `file`.
    public static func decode(yaml: String, file: String = "directory") throws(ConfigurationError)
        -> DirectoryConfiguration
    {
        let errors = YAMLValue.ErrorSink()
        let configuration = read(YAMLValue.root(of: yaml, file: file, path: "directory", errors: errors))
        guard let configuration, errors.errors.isEmpty else { throw ConfigurationError(errors.errors) }
        return configuration
    }
}
