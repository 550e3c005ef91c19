import Foundation
import RingfenceFiles
import Testing

@testable import RingfenceDirectory

@Suite("DirectoryConfiguration")
struct DirectoryConfigurationTests {
    @Test("a preset fills in everything; explicit keys win")
    func presets() throws {
        let configuration = try DirectoryConfiguration.decode(
            yaml: """
                preset: active-directory
                url: ldaps://dc.corp.example:636/
                bindDN: CN=svc,DC=corp
                baseDN: DC=corp
                users: { usernameAttribute: userPrincipalName }
                deletionGuard: { maxShare: 0.25 }
                """)
        #expect(configuration.security == .ldaps)
        #expect(configuration.userFilter == "(&(objectCategory=person)(objectClass=user))")
        #expect(configuration.usernameAttribute == "userPrincipalName")
        #expect(configuration.disabled == .init(attribute: "userAccountControl", test: .bitmask, value: "2"))
        #expect(configuration.memberAttributes == [.init(objectClass: "group", attribute: "member")])
        #expect(configuration.changeTracking == .usn)
        #expect(configuration.maxDeletionShare == 0.25)
        #expect(configuration.maxDeletions == 500)
    }

    @Test(
        "unknown keys, bad values and missing essentials are clear errors",
        arguments: [
            (
                "url: ldap://x/\nbindDN: cn=x\nbaseDN: dc=x\nusers: { baseDn: dc=y }",
                "directory:4 directory.users.baseDn: unknown key 'baseDn'; did you mean 'baseDN'?"
            ),
            ("url: http://x/\nbindDN: cn=x\nbaseDN: dc=x", "directory:1 directory.url: expected ldap://"),
            ("bindDN: cn=x\nbaseDN: dc=x", "directory:1 directory.url: missing required key 'url'"),
            (
                "url: ldap://x/\nbindDN: cn=x\nbaseDN: dc=x\npreset: novell",
                "directory:4 directory.preset: unknown value 'novell'; expected one of openldap, active-directory"
            ),
            (
                "url: ldap://x/\nbindDN: cn=x\nbaseDN: dc=x\ndeletionGuard: { maxShare: 2 }",
                "directory:4 directory.deletionGuard.maxShare: must be between 0 and 1, got 2"
            ),
            (
                "url: ldap://x/\nbindDN: cn=x\nbaseDN: dc=x\nusers: { filter: objectClass=person }",
                "directory:4 directory.users.filter: an LDAP filter must be enclosed in parentheses"
            ),
            ("url: ldap://x/\nbindDN: cn=x", "directory:1 directory.users.baseDN: required"),
            (
                "url: ldap://x/\nbindDN: cn=x\nbaseDN: dc=x\ngroups: { members: [{ attribute: [member, uniqueMember] }] }",
                "directory:4 directory.groups.members[0].attribute: expected a text value"
            ),
            (
                "url: ldap://x/\nbindDN: cn=x\nbaseDN: dc=x\ngroups: { members: [{ objectClass: posixGroup, values: uid }] }",
                "directory:4 directory.groups.members[0].attribute: missing required key 'attribute'"
            ),
            (
                "url: ldap://x/\nbindDN: cn=x\nbaseDN: dc=x\ngroups: { memberAttribute: member }",
                "directory:4 directory.groups.memberAttribute: unknown key 'memberAttribute'"
            ),
        ])
    func errors(yaml: String, message: String) {
        do {
            _ = try DirectoryConfiguration.decode(yaml: yaml)
            Issue.record("accepted \(yaml)")
        } catch {
            #expect(error.problems.contains { $0.description.hasPrefix(message) }, "\(error)")
        }
    }

    @Test("the password comes from the file first, then the environment, and is required")
    func password() throws {
        var configuration = DirectoryConfiguration(preset: .openldap, url: "ldap://x/", bindDN: "cn=x", baseDN: "dc=x")
        #expect(try configuration.password(environment: ["RINGFENCE_LDAP_PASSWORD": "from-env"]) == "from-env")
        #expect(throws: DirectoryConfigurationError.self) { try configuration.password(environment: [:]) }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pw-\(UUID().uuidString)")
        try "from-file\nignored\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        configuration.passwordFile = file.path
        #expect(try configuration.password(environment: ["RINGFENCE_LDAP_PASSWORD": "from-env"]) == "from-file")
    }
}
