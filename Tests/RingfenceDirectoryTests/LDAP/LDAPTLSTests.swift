import RingfenceTestSupport
import Testing

@testable import RingfenceDirectory

/// TLS against the test slapd, whose certificate (for 127.0.0.1) is signed by a throw-away
/// CA that scripts/lib/servers.sh makes.
@Suite("LDAP over TLS", .enabled(if: TestServers.ldapEnabled, Comment(rawValue: TestServers.skipMessage)))
struct LDAPTLSTests {
    func bindAndSearch(_ options: LDAPConnectionOptions) async throws -> Int {
        let server = try TestServers.ldap()
        let connection = try await LDAPConnection.open(options)
        try await connection.bind(dn: server.bindDN, password: server.password)
        let groups = try await connection.search(
            base: "ou=groups,\(server.baseDN)", filter: "(objectClass=groupOfNames)", attributes: ["cn"])
        await connection.close()
        return groups.count
    }

    @Test("StartTLS with the CA file binds and searches")
    func startTLS() async throws {
        let server = try TestServers.ldap()
        #expect(
            try await bindAndSearch(LDAPConnectionOptions(url: server.url, security: .startTLS, caFile: server.caFile))
                == 11)
    }

    @Test("ldaps:// with the CA file binds and searches")
    func ldaps() async throws {
        let server = try TestServers.ldap()
        let options = LDAPConnectionOptions(url: server.ldapsURL, caFile: server.caFile)
        #expect(options.security == .ldaps)
        #expect(try await bindAndSearch(options) == 11)
    }

    @Test("a certificate the CA file does not vouch for is refused, for StartTLS and ldaps://")
    func untrustedCertificate() async throws {
        let server = try TestServers.ldap()
        let other = try LDAPTestServer.unrelatedCA()
        await #expect(throws: LDAPError.self) {
            try await bindAndSearch(LDAPConnectionOptions(url: server.url, security: .startTLS, caFile: other))
        }
        await #expect(throws: LDAPError.self) {
            try await bindAndSearch(LDAPConnectionOptions(url: server.ldapsURL, caFile: other))
        }
    }
}
