import Foundation
import RingfenceTestSupport
import Testing

@testable import RingfenceDirectory

/// Runs against the slapd of scripts/test: the sample directory of fixtures/ldap, with a
/// size limit of 20 entries for ordinary accounts.
@Suite(
    "LDAPConnection against slapd", .enabled(if: TestServers.ldapEnabled, Comment(rawValue: TestServers.skipMessage)))
struct LDAPConnectionTests {
    func connect() async throws -> (LDAPConnection, LDAPTestServer) {
        let server = try TestServers.ldap()
        let connection = try await LDAPConnection.open(LDAPConnectionOptions(url: server.url))
        try await connection.bind(dn: server.bindDN, password: server.password)
        return (connection, server)
    }

    @Test("the sample directory is searchable: 50 people, 11 groups, nested members")
    func fixtureIsSearchable() async throws {
        let (connection, server) = try await connect()
        let people = try await connection.search(
            base: "ou=people,\(server.baseDN)", filter: "(objectClass=inetOrgPerson)",
            attributes: ["uid", "cn", "mail"], pageSize: 10)
        #expect(people.count == 50)
        #expect(Set(people.compactMap { $0.string("uid") }).count == 50)
        #expect(people.first { $0.string("uid") == "zoe" }?.string("cn") == "Zoë Ångström")

        let groups = try await connection.search(
            base: "ou=groups,\(server.baseDN)", filter: "(objectClass=groupOfNames)",
            attributes: ["cn", "member", "owner"])
        #expect(groups.count == 11)
        let engineering = try #require(groups.first { $0.string("cn") == "engineering" })
        #expect(engineering.strings("member").allSatisfy { $0.hasPrefix("cn=") })
        #expect(engineering.strings("MEMBER").count == 4)
        await connection.close()
    }

    @Test("paging reads past the server's size limit; an unpaged search stops at it")
    func pagingBeatsSizeLimit() async throws {
        let (connection, server) = try await connect()
        await #expect {
            try await connection.search(
                base: "ou=people,\(server.baseDN)", filter: "(objectClass=inetOrgPerson)", attributes: ["uid"],
                pageSize: 0)
        } throws: { error in
            (error as? LDAPError)?.isSizeLimitExceeded == true
        }
        let pages = PageCounter()
        // The fixture's own people only: other tests add subtrees of their own while this runs.
        let all = try await connection.search(
            base: "ou=people,\(server.baseDN)", filter: "(objectClass=inetOrgPerson)", attributes: ["uid"],
            pageSize: 7
        ) { count in pages.record(count) }
        #expect(all.count == 50)
        #expect(pages.counts == [7, 14, 21, 28, 35, 42, 49, 50])
    }

    @Test("an escaped injection string matches nothing instead of everything")
    func escapedFilterValues() async throws {
        let (connection, server) = try await connect()
        let hostile = try await connection.search(
            base: "ou=people,\(server.baseDN)", filter: LDAPFilter.equals("uid", "*)(uid=*"), attributes: ["uid"])
        #expect(hostile.isEmpty)
        let exact = try await connection.search(
            base: "ou=people,\(server.baseDN)", filter: LDAPFilter.equals("uid", "alice"), attributes: ["uid"])
        #expect(exact.map(\.dn) == ["uid=alice,ou=people,\(server.baseDN)"])
    }

    @Test("a wrong password is refused as invalid credentials")
    func wrongPassword() async throws {
        let server = try TestServers.ldap()
        let connection = try await LDAPConnection.open(LDAPConnectionOptions(url: server.url))
        await #expect {
            try await connection.bind(dn: server.bindDN, password: "not-the-password")
        } throws: { error in
            guard let error = error as? LDAPError else { return false }
            return error.isInvalidCredentials && !error.description.contains("not-the-password")
        }
    }

    @Test(
        "an unreachable server is named with the reason: refused, or a name that does not resolve",
        arguments: [
            ("ldap://127.0.0.1:1/", "127.0.0.1 port 1 refused the connection"),
            ("ldap://no-such-host.invalid:389/", "the name no-such-host.invalid did not resolve"),
        ])
    func unreachable(url: String, reason: String) async throws {
        await #expect {
            _ = try await LDAPConnection.open(LDAPConnectionOptions(url: url, connectTimeout: .seconds(30)))
        } throws: { error in
            guard let error = error as? LDAPError else { return false }
            return error.isServerDown && error.description.contains("connect to \(url)")
                && error.description.contains(reason)
        }
    }
}

/// Collects page progress from the search callback.
final class PageCounter: @unchecked Sendable {
    private var values: [Int] = []
    private let lock = NSLock()
    func record(_ count: Int) { lock.withLock { values.append(count) } }
    var counts: [Int] { lock.withLock { values } }
}
