import Foundation
import PostgresNIO
import RingfenceCore
import RingfenceStore
import RingfenceTestSupport
import Testing

@testable import RingfenceDirectory

/// The `active-directory` preset against a real domain controller: Samba's AD DC, seeded
/// by scripts/test with a group of 1,600 members, three levels of nesting and a disabled
/// user. Expectations come from the DC itself (ldapsearch, the in-chain matching rule),
/// not from Ringfence.
@Suite(
    "Directory sync against a Samba Active Directory domain controller",
    .serialized,
    .enabled(
        if: TestServers.activeDirectoryEnabled && TestServers.postgresEnabled,
        Comment(rawValue: TestServers.skipMessage)))
struct ActiveDirectorySyncTests {
    func configuration(_ server: ActiveDirectoryTestServer) -> DirectoryConfiguration {
        var configuration = DirectoryConfiguration(
            preset: .activeDirectory, url: server.url, bindDN: server.bindDN, baseDN: server.baseDN)
        configuration.userBaseDN = "OU=People,\(server.baseDN)"
        configuration.groupBaseDN = "OU=Groups,\(server.baseDN)"
        // Ask in ranges of 1,000 as a Windows DC cuts them at 1,500 (Samba does not cut by itself).
        configuration.memberRangeSize = 1_000
        configuration.pageSize = 400
        return configuration
    }

    func search(
        _ server: ActiveDirectoryTestServer, base: String, scope: String = "sub", _ filter: String,
        _ attributes: [String]
    ) throws -> [LDAPSearchTool.Entry] {
        try LDAPSearchTool.search(
            url: server.url, bindDN: server.bindDN, password: server.password, base: base, scope: scope,
            filter: filter, attributes: attributes)
    }

    func count(_ client: PostgresClient, _ sql: PostgresQuery) async throws -> Int {
        for try await value in try await client.query(sql).decode(Int.self) { return value }
        return -1
    }

    @Test("ranged member retrieval, objectGUID identity, disabled users and nesting match the DC")
    func fullSync() async throws {
        let server = try TestServers.activeDirectory()
        let settings = configuration(server)
        let groups = "OU=Groups,\(server.baseDN)"
        // The DC's own answers: every member of big, and every user in `all` by the in-chain rule.
        let big = try search(server, base: "CN=big,\(groups)", scope: "base", "(objectClass=*)", ["member;range=0-*"])
        let bigMembers = big.first?.values.first { $0.key.hasPrefix("member") }?.value.count ?? 0
        #expect(bigMembers > 1_500)
        let chain = try search(
            server, base: "OU=People,\(server.baseDN)",
            "(&(objectClass=user)(memberOf:1.2.840.113556.1.4.1941:=CN=all,\(groups)))", ["1.1"])
        let alice = try search(server, base: "OU=People,\(server.baseDN)", "(sAMAccountName=alice)", ["objectGUID"])
        let guid = try #require(alice.first?.bytes["objectguid"]?.first)

        try await TestServers.withMigratedDatabase { client, _ in
            let outcome = try await SyncEngine(
                configuration: settings, store: DirectoryStore(client: client), password: server.password
            ).run()
            #expect(outcome.status == .succeeded, "\(outcome.warnings)")
            #expect(outcome.mode == .full)
            #expect(outcome.warnings.isEmpty, "\(outcome.warnings)")
            #expect(
                try await count(
                    client,
                    "SELECT count(*)::int FROM group_members m JOIN directory_groups g ON g.id = m.group_id WHERE g.name = 'big'"
                ) == bigMembers)
            #expect(
                try await count(
                    client,
                    """
                    SELECT count(*)::int FROM effective_memberships e JOIN directory_groups g ON g.id = e.group_id
                    WHERE g.name = 'all'
                    """) == chain.count)
            #expect(
                try await count(
                    client,
                    """
                    SELECT max(e.depth)::int FROM effective_memberships e JOIN directory_groups g ON g.id = e.group_id
                    WHERE g.name = 'all'
                    """) == 2)
            // objectGUID is the external id, as hex of its 16 bytes.
            let hex = guid.map { String(format: "%02x", $0) }.joined()
            #expect(hex.count == 32)
            let ids = try await client.query("SELECT external_id FROM directory_users WHERE username = 'alice'")
            for try await id in ids.decode(String.self) { #expect(id == hex) }
            let disabled = try await client.query(
                "SELECT username FROM directory_users WHERE disabled AND deleted_at IS NULL ORDER BY 1")
            var names: [String] = []
            for try await name in disabled.decode(String.self) { names.append(name) }
            #expect(names == ["dora"])
            let watermark = try await DirectoryStore(client: client).lastRun()?.highWatermark ?? ""
            #expect(watermark.hasPrefix("usn:") && watermark.contains("CN=NTDS Settings"), "\(watermark)")
        }
    }

    @Test("incremental runs by uSNChanged see changed users and deleted ones")
    func incremental() async throws {
        let server = try TestServers.activeDirectory()
        let settings = configuration(server)
        let name = "temp\(UUID().uuidString.prefix(6).lowercased())"
        let dn = "CN=\(name),OU=People,\(server.baseDN)"
        try LDAPTestDirectory.ldapmodify(
            url: server.url, adminDN: server.bindDN, password: server.password,
            ldif: "dn: \(dn)\nchangetype: add\nobjectClass: user\nsAMAccountName: \(name)\nuserAccountControl: 544")
        try await TestServers.withMigratedDatabase { client, _ in
            let engine = SyncEngine(
                configuration: settings, store: DirectoryStore(client: client), password: server.password)
            let first = try await engine.run()
            #expect(first.mode == .full)
            try LDAPTestDirectory.ldapmodify(
                url: server.url, adminDN: server.bindDN, password: server.password,
                ldif:
                    "dn: CN=user0007,OU=People,\(server.baseDN)\nchangetype: modify\nreplace: displayName\ndisplayName: Seven \(name)"
            )
            let changed = try await engine.run()
            #expect(changed.mode == .incremental)
            #expect(changed.summary.usersUpdated == 1)
            #expect(changed.summary.usersRemoved == 0)
            try LDAPTestDirectory.ldapmodify(
                url: server.url, adminDN: server.bindDN, password: server.password,
                ldif: "dn: \(dn)\nchangetype: delete")
            let deleted = try await engine.run()
            #expect(deleted.mode == .incremental)
            #expect(deleted.summary.usersRemoved == 1)
            let gone = try await client.query(
                "SELECT count(*)::int FROM directory_users WHERE username = \(name) AND deleted_at IS NOT NULL")
            for try await count in gone.decode(Int.self) { #expect(count == 1) }
        }
    }
}
