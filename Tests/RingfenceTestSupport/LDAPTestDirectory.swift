import Foundation

/// A private subtree `ou=test-…` of the test slapd, so tests that change the directory
/// run in parallel without seeing each other. Changes go through OpenLDAP's own
/// `ldapmodify`, as an administrator would make them.
public struct LDAPTestDirectory: Sendable {
    public let server: LDAPTestServer
    /// `ou=test-XXXX,dc=example,dc=com`
    public let baseDN: String
    public var peopleDN: String { "ou=people,\(baseDN)" }
    public var groupsDN: String { "ou=groups,\(baseDN)" }

    /// Creates the subtree with `ou=people` and `ou=groups` under it.
    public static func create(server: LDAPTestServer? = nil) throws -> LDAPTestDirectory {
        let server = try server ?? TestServers.ldap()
        let name = "test-" + UUID().uuidString.prefix(8).lowercased()
        let directory = LDAPTestDirectory(server: server, baseDN: "ou=\(name),\(server.baseDN)")
        try directory.modify(
            """
            dn: \(directory.baseDN)
            changetype: add
            objectClass: organizationalUnit
            ou: \(name)

            dn: \(directory.peopleDN)
            changetype: add
            objectClass: organizationalUnit
            ou: people

            dn: \(directory.groupsDN)
            changetype: add
            objectClass: organizationalUnit
            ou: groups
            """)
        return directory
    }

    /// LDIF for a person in `ou=people`.
    public func person(_ uid: String, cn: String? = nil, extra: [String] = []) -> String {
        ([
            "dn: uid=\(uid),\(peopleDN)", "changetype: add", "objectClass: inetOrgPerson", "uid: \(uid)",
            "cn: \(cn ?? uid)",
            "sn: \(uid)", "mail: \(uid)@example.com",
        ] + extra).joined(separator: "\n")
    }

    /// LDIF for a group in `ou=groups` whose members are users (uids) and groups (names).
    public func group(_ name: String, users: [String] = [], groups: [String] = [], extra: [String] = []) -> String {
        let members = users.map { "member: uid=\($0),\(peopleDN)" } + groups.map { "member: cn=\($0),\(groupsDN)" }
        return
            (["dn: cn=\(name),\(groupsDN)", "changetype: add", "objectClass: groupOfNames", "cn: \(name)"] + members
            + extra)
            .joined(separator: "\n")
    }

    /// The `directory:` section of a configuration file syncing this subtree with the
    /// OpenLDAP preset, the password in `$RINGFENCE_LDAP_PASSWORD`; `extra` lines (indented
    /// by two spaces) are added inside it.
    public func configurationSection(extra: [String] = []) -> String {
        ([
            "directory:", "  preset: openldap", "  url: \(server.url)", "  bindDN: \(server.bindDN)",
            "  passwordEnv: RINGFENCE_LDAP_PASSWORD", "  users:", "    baseDN: \(peopleDN)", "  groups:",
            "    baseDN: \(groupsDN)",
        ] + extra).joined(separator: "\n") + "\n"
    }

    public func userDN(_ uid: String) -> String { "uid=\(uid),\(peopleDN)" }
    public func groupDN(_ name: String) -> String { "cn=\(name),\(groupsDN)" }

    /// Applies LDIF change records (`changetype: add|modify|delete|modrdn`) as the rootdn.
    public func modify(_ ldif: String) throws {
        try LDAPTestDirectory.ldapmodify(
            url: server.url, adminDN: server.adminDN, password: server.adminPassword, ldif: ldif)
    }

    /// Runs OpenLDAP's `ldapmodify` with LDIF on standard input.
    public static func ldapmodify(url: String, adminDN: String, password: String, ldif: String) throws {
        let result = try ChildProcess.run(
            URL(fileURLWithPath: "/usr/bin/ldapmodify"), ["-x", "-H", url, "-D", adminDN, "-w", password],
            input: Data((ldif + "\n").utf8), mergeErrors: true)
        guard result.status == 0 else {
            throw TestServerError.notConfigured("ldapmodify failed (\(result.status)): \(result.stdout)")
        }
    }
}
