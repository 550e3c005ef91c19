import Foundation
import RingfenceCore
import RingfenceStore
import RingfenceTestSupport
import Synchronization
import Testing

@testable import RingfenceDirectory

@Suite(
    "Directory sync faults",
    .enabled(if: TestServers.ldapEnabled && TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct SyncFaultTests {
    static func ldif(users: Int) -> String {
        var entries = [
            "dn: dc=example,dc=com\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example",
            "dn: ou=people,dc=example,dc=com\nobjectClass: organizationalUnit\nou: people",
            "dn: ou=groups,dc=example,dc=com\nobjectClass: organizationalUnit\nou: groups",
            "dn: cn=ringfence-sync,dc=example,dc=com\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\ncn: ringfence-sync\nuserPassword: sync-secret",
        ]
        entries += (0..<users).map {
            "dn: uid=p\($0),ou=people,dc=example,dc=com\nobjectClass: inetOrgPerson\nuid: p\($0)\ncn: p\($0)\nsn: p"
        }
        entries.append(
            "dn: cn=all,ou=groups,dc=example,dc=com\nobjectClass: groupOfNames\ncn: all\n"
                + (0..<users).map { "member: uid=p\($0),ou=people,dc=example,dc=com" }.joined(separator: "\n"))
        return entries.joined(separator: "\n\n") + "\n"
    }

    @Test("LDAP killed mid-run leaves PostgreSQL exactly as before, marks the run failed, and the next run succeeds")
    func killedMidRun() async throws {
        let slapd = try SlapdInstance(ldif: Self.ldif(users: 30))
        defer { slapd.stop() }
        try await TestServers.withMigratedDatabase { client, _ in
            var configuration = DirectoryConfiguration(
                preset: .openldap, url: slapd.url, bindDN: "cn=ringfence-sync,dc=example,dc=com",
                baseDN: "dc=example,dc=com")
            configuration.userBaseDN = "ou=people,dc=example,dc=com"
            configuration.groupBaseDN = "ou=groups,dc=example,dc=com"
            configuration.pageSize = 5
            let store = DirectoryStore(client: client)
            let engine = SyncEngine(configuration: configuration, store: store, password: "sync-secret")
            _ = try await engine.run()
            let before = try await store.loadState()
            #expect(before.users.count == 30)

            // Remove a member so the interrupted run would have had something to write.
            try slapd.modify(
                "dn: cn=all,ou=groups,dc=example,dc=com\nchangetype: modify\ndelete: member\nmember: uid=p3,ou=people,dc=example,dc=com"
            )

            let killed = Atomic<Bool>(false)
            await #expect(throws: SyncEngine.Failure.self) {
                try await engine.run(.init(mode: .full)) { progress in
                    if case .readingUsers(let count) = progress, count >= 5, !killed.exchange(true, ordering: .relaxed)
                    {
                        slapd.kill()  // after the first page; the next page request fails
                    }
                }
            }
            let wasKilled = killed.load(ordering: .relaxed)
            #expect(wasKilled)
            let after = try await store.loadState()
            #expect(after.users == before.users)
            #expect(after.membershipKeys == before.membershipKeys)
            let failed = try await store.lastRun(status: .failed)
            #expect(failed?.error?.contains("LDAP") == true)

            try slapd.start()
            let recovered = try await engine.run(.init(mode: .full))
            #expect(recovered.status == .succeeded)
            #expect(recovered.summary.membershipsRemoved == 1)
        }
    }
}
