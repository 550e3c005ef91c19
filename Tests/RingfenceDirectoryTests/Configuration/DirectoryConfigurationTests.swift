import Foundation
import Testing

@testable import RingfenceDirectory

@Suite("DirectoryConfiguration")
struct DirectoryConfigurationTests {
    @Test("a preset fills in everything; explicit keys win")
    func presets() throws {
        let configuration = try DirectoryConfiguration.decode(yaml: """
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
        #expect(configuration.membership == .memberOf)
        #expect(configuration.maxDeletionShare == 0.25)
        #expect(configuration.maxDeletions == 500)
    }

    @Test("unknown keys, bad values and missing essentials are clear errors", arguments: [
        ("url: ldap://x/\nbindDN: cn=x\nbaseDN: dc=x\nusers: { baseDn: dc=y }", "unknown key 'users.baseDn'"),
        ("url: http://x/\nbindDN: cn=x\nbaseDN: dc=x", "directory.url: expected ldap://"),
        ("bindDN: cn=x\nbaseDN: dc=x", "directory.url: required"),
        ("url: ldap://x/\nbindDN: cn=x\nbaseDN: dc=x\npreset: novell", "preset"),
        ("url: ldap://x/\nbindDN: cn=x\nbaseDN: dc=x\ndeletionGuard: { maxShare: 2 }", "maxShare: must be between 0 and 1"),
        ("url: ldap://x/\nbindDN: cn=x\nbaseDN: dc=x\nusers: { filter: objectClass=person }", "must be enclosed in parentheses"),
        ("url: ldap://x/\nbindDN: cn=x", "users.baseDN: required"),
    ])
    func errors(yaml: String, message: String) {
        #expect {
            try DirectoryConfiguration.decode(yaml: yaml)
        } throws: { error in
            "\(error)".contains(message)
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
