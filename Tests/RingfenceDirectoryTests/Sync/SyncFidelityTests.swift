import Foundation
import PostgresNIO
import RingfenceCore
import RingfenceStore
import RingfenceTestSupport
import Testing

@testable import RingfenceDirectory

/// The mirror of a mixed directory (fixtures/ldap/fidelity.ldif, loaded offline so member
/// values keep their odd spellings) equals what slapd itself says: every member value is
/// resolved by asking slapd (`entryDN=` compares as DNs, with the server's matching rules),
/// through OpenLDAP's `ldapsearch`, not through Ringfence's code.
@Suite(
    "Directory sync of a mixed directory against slapd's own answers",
    .enabled(if: TestServers.ldapEnabled && TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct SyncFidelityTests {
    static let base = "ou=fidelity,dc=example,dc=com"

    func search(_ server: LDAPTestServer, base: String = base, _ filter: String, _ attributes: [String]) throws
        -> [LDAPSearchTool.Entry]
    {
        try LDAPSearchTool.search(
            url: server.url, bindDN: server.bindDN, password: server.password, base: base, filter: filter,
            attributes: attributes)
    }

    /// Direct memberships as slapd resolves them: (group DN, member DN, attribute).
    func expectedMemberships(_ server: LDAPTestServer) throws -> [(group: String, member: String, attribute: String)] {
        var result: [(String, String, String)] = []
        let groups = try search(
            server, base: "ou=groups,\(Self.base)", "(objectClass=*)", ["member", "uniqueMember", "memberUid"])
        for group in groups where !group.values.isEmpty {
            for (attribute, values) in group.values {
                for value in values {
                    let filter: String
                    if attribute == "memberuid" {
                        filter = LDAPFilter.and(["(objectClass=inetOrgPerson)", LDAPFilter.equals("uid", value)])
                    } else {
                        // NameAndOptionalUID (RFC 4517 §3.3.21): the DN, then an optional #'bits'B.
                        let dn = value.replacing(/#'[01]*'B$/, with: "")
                        filter = LDAPFilter.equals("entryDN", dn)
                    }
                    for entry in try search(server, filter, ["1.1"]) {
                        result.append((group.dn, entry.dn, attribute))
                    }
                }
            }
        }
        return result
    }

    @Test("direct and effective memberships equal slapd's; unresolved values are named")
    func mirrorEqualsDirectory() async throws {
        let server = try TestServers.ldap()
        var configuration = DirectoryConfiguration(
            preset: .openldap, url: server.url, bindDN: server.bindDN, baseDN: Self.base)
        configuration.userBaseDN = "ou=people,\(Self.base)"
        configuration.groupBaseDN = "ou=groups,\(Self.base)"
        configuration.pageSize = 3
        let expected = try expectedMemberships(server)
        let settings = configuration
        #expect(expected.count == 9)  // the fixture's 11 values but ghost and outsider
        try await TestServers.withMigratedDatabase { client, _ in
            let outcome = try await SyncEngine(
                configuration: settings, store: DirectoryStore(client: client), password: server.password
            ).run()
            #expect(outcome.status == .succeeded)

            let rows = try await client.query(
                """
                SELECT g.dn, coalesce(u.dn, c.dn) FROM group_members m JOIN directory_groups g ON g.id = m.group_id
                LEFT JOIN directory_users u ON u.id = m.member_user_id LEFT JOIN directory_groups c ON c.id = m.member_group_id
                """)
            var mirrored: Set<String> = []
            for try await (group, member) in rows.decode((String, String).self) {
                mirrored.insert("\(member) in \(group)")
            }
            #expect(mirrored == Set(expected.map { "\($0.member) in \($0.group)" }))

            var byAttribute: [String: Int] = [:]
            for membership in expected { byAttribute[membership.attribute, default: 0] += 1 }
            #expect(
                Dictionary(uniqueKeysWithValues: outcome.membershipsByAttribute.map { ($0.key.lowercased(), $0.value) })
                    == byAttribute)

            // Effective memberships: shortest paths over slapd's direct memberships.
            let users = Set(
                try search(server, base: "ou=people,\(Self.base)", "(objectClass=inetOrgPerson)", ["1.1"]).map(\.dn))
            var children: [String: [String]] = [:]
            for membership in expected { children[membership.group, default: []].append(membership.member) }
            var want: Set<String> = []
            for group in children.keys {
                var seen: Set<String> = [group]
                var level = [group]
                var depth = 0
                var found: Set<String> = []
                while !level.isEmpty {
                    for member in level.flatMap({ children[$0] ?? [] })
                    where users.contains(member) && found.insert(member).inserted {
                        want.insert("\(member) in \(group) at \(depth)")
                    }
                    level = level.flatMap { children[$0] ?? [] }.filter {
                        !users.contains($0) && seen.insert($0).inserted
                    }
                    depth += 1
                }
            }
            let effective = try await client.query(
                """
                SELECT u.dn, g.dn, e.depth FROM effective_memberships e JOIN directory_users u ON u.id = e.user_id
                JOIN directory_groups g ON g.id = e.group_id
                """)
            var have: Set<String> = []
            for try await (user, group, depth) in effective.decode((String, String, Int).self) {
                have.insert("\(user) in \(group) at \(depth)")
            }
            #expect(have == want)

            #expect(outcome.warnings.contains { $0.contains("cycle") && $0.contains("top") && $0.contains("low") })
            let unresolved = outcome.warnings.first { $0.contains("match no synced user or group") } ?? ""
            #expect(unresolved.hasPrefix("2 member values"), "\(outcome.warnings)")
            #expect(unresolved.contains("ghost (memberUid of group posix)"))
            #expect(unresolved.contains("uid=outsider,ou=people,dc=example,dc=com (uniqueMember of group solo)"))
            let counts = try await client.query(
                "SELECT members_unresolved, memberships_by_attribute::text FROM sync_runs WHERE id = \(outcome.runID)")
            for try await (count, json) in counts.decode((Int, String).self) {
                #expect(count == 2)
                #expect(json.contains("\"uniqueMember\": 3"), "\(json)")
            }
        }
    }
}
