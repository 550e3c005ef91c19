import Foundation
import PostgresNIO
import RingfenceCore
import RingfenceSCIM
import RingfenceStore
import RingfenceTestSupport
import Testing

@testable import RingfenceDirectory

/// Directory sync against the real slapd and PostgreSQL of scripts/test. Each test works in
/// its own LDAP subtree and its own database.
@Suite(
    "Directory sync against slapd and PostgreSQL",
    .enabled(if: TestServers.ldapEnabled && TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct SyncIntegrationTests {
    func configuration(_ directory: LDAPTestDirectory) -> DirectoryConfiguration {
        var configuration = DirectoryConfiguration(
            preset: .openldap, url: directory.server.url, bindDN: directory.server.bindDN,
            baseDN: directory.baseDN)
        configuration.userBaseDN = directory.peopleDN
        configuration.groupBaseDN = directory.groupsDN
        configuration.pageSize = 7
        configuration.roleAttribute = "employeeType"
        configuration.maxDeletionShare = 0.5
        return configuration
    }

    func engine(_ configuration: DirectoryConfiguration, _ client: PostgresClient) -> SyncEngine {
        SyncEngine(
            configuration: configuration, store: DirectoryStore(client: client),
            password: try! TestServers.ldap().password)
    }

    /// alice, bob, carol, dave (disabled), erin; all ⊃ eng ⊃ pay ⊃ {alice, bob}; eng ⊃ carol; ops ⊃ dave, erin.
    func seed(_ directory: LDAPTestDirectory) throws {
        try directory.modify(
            [
                directory.person("alice", extra: ["employeeType: lead"]),
                directory.person("bob", extra: ["employeeType: developer"]),
                directory.person("carol"),
                directory.person("dave", extra: ["pwdAccountLockedTime: 000001010000Z"]),
                directory.person("erin"),
                directory.group("pay", users: ["alice", "bob"]),
                directory.group("eng", users: ["carol"], groups: ["pay"]),
                directory.group("all", groups: ["eng"], extra: ["owner: \(directory.userDN("alice"))"]),
                directory.group("ops", users: ["dave", "erin"]),
            ].joined(separator: "\n\n"))
    }

    func effective(_ client: PostgresClient) async throws -> Set<String> {
        let rows = try await client.query(
            """
            SELECT u.username || ' in ' || g.name || ' at ' || e.depth FROM effective_memberships e
            JOIN directory_users u ON u.id = e.user_id JOIN directory_groups g ON g.id = e.group_id
            """)
        var result: Set<String> = []
        for try await text in rows.decode(String.self) { result.insert(text) }
        return result
    }

    func history(_ client: PostgresClient, run: Int64) async throws -> [String] {
        let rows = try await client.query(
            "SELECT change || ' ' || member_dn || ' → ' || group_dn FROM membership_history WHERE sync_run_id = \(run) ORDER BY 1"
        )
        var result: [String] = []
        for try await text in rows.decode(String.self) { result.append(text) }
        return result
    }

    @Test("first sync mirrors users, groups, nesting, roles, disabled accounts and history")
    func firstSync() async throws {
        let directory = try LDAPTestDirectory.create()
        try seed(directory)
        try await TestServers.withMigratedDatabase { client, _ in
            let outcome = try await engine(configuration(directory), client).run()
            #expect(outcome.status == .succeeded)
            #expect(outcome.mode == .full)
            #expect(outcome.summary.usersAdded == 5)
            #expect(outcome.summary.groupsAdded == 4)
            #expect(outcome.summary.membershipsAdded == 7)
            #expect(outcome.warnings.isEmpty, "\(outcome.warnings)")

            let effective = try await effective(client)
            #expect(
                effective.isSuperset(of: [
                    "alice in pay at 0", "alice in eng at 1", "alice in all at 2", "carol in all at 1",
                    "dave in ops at 0",
                ]))
            #expect(effective.count == 10)  // pay 2, eng 3, all 3, ops 2

            let rows = try await client.query("SELECT username, disabled FROM directory_users ORDER BY username")
            var disabled: [String: Bool] = [:]
            for try await (name, flag) in rows.decode((String, Bool).self) { disabled[name] = flag }
            #expect(disabled == ["alice": false, "bob": false, "carol": false, "dave": true, "erin": false])

            let roles = try await client.query(
                "SELECT u.username, r.role FROM user_roles r JOIN directory_users u ON u.id = r.user_id ORDER BY 1")
            var roleList: [String] = []
            for try await (name, role) in roles.decode((String, String).self) { roleList.append("\(name):\(role)") }
            #expect(roleList == ["alice:lead", "bob:developer"])

            #expect(try await history(client, run: outcome.runID).count == 7)
            let owners = try await client.query("SELECT owners FROM directory_groups WHERE name = 'all'")
            for try await list in owners.decode([String].self) { #expect(list == [directory.userDN("alice")]) }
            let run = try await DirectoryStore(client: client).run(id: outcome.runID)
            #expect(run?.status == .succeeded)
        }
    }

    @Test("the mirror replays to a moment: nested groups and roles as they were before each later run")
    func asOfAMoment() async throws {
        let directory = try LDAPTestDirectory.create()
        try seed(directory)
        try await TestServers.withMigratedDatabase { client, _ in
            let store = DirectoryStore(client: client)
            #expect(try await engine(configuration(directory), client).run().status == .succeeded)
            let first = Date()
            // Unchanged runs write no role history: only real changes are kept.
            #expect(try await engine(configuration(directory), client).run().status == .succeeded)
            var roleRows = 0
            for try await count in try await client.query("SELECT count(*) FROM role_history").decode(Int.self) {
                roleRows = count
            }
            #expect(roleRows == 2, "alice:lead and bob:developer added once, not again by the second run")
            // pay leaves eng (bob loses eng and all), bob becomes a lead, carol joins ops.
            try directory.modify(
                """
                dn: \(directory.groupDN("eng"))
                changetype: modify
                delete: member
                member: \(directory.groupDN("pay"))

                dn: \(directory.userDN("bob"))
                changetype: modify
                replace: employeeType
                employeeType: lead

                dn: \(directory.groupDN("ops"))
                changetype: modify
                add: member
                member: \(directory.userDN("carol"))
                """)
            #expect(try await engine(configuration(directory), client).run().status == .succeeded)
            let second = Date()
            // erin leaves the directory.
            try directory.modify("dn: \(directory.userDN("erin"))\nchangetype: delete")
            let removal = try await engine(configuration(directory), client).run(.init(mode: .full))
            #expect(removal.status == .succeeded, "\(removal.warnings)")

            let bobThen = try await store.facts(user: "bob", at: first)
            #expect(bobThen?.groups == ["all", "eng", "pay"])
            #expect(bobThen?.roles == ["developer"])
            let bobNow = try await store.facts(user: "bob", at: Date())
            #expect(bobNow?.groups == ["pay"])
            #expect(bobNow?.roles == ["lead"])
            #expect(try await store.facts(user: "bob") ?? ([], []) == bobNow ?? ([], []), "now equals the live facts")
            #expect(try await store.facts(user: "carol", at: first)?.groups == ["all", "eng"])
            #expect(try await store.facts(user: "carol", at: second)?.groups == ["all", "eng", "ops"])
            #expect(try await store.facts(user: "erin", at: second)?.groups == ["ops"], "erin before she left")
            #expect(try await store.facts(user: "erin", at: Date()) == nil, "and not after")
            #expect(try await store.facts(user: "nobody", at: first) == nil)
        }
    }

    @Test("a SCIM provider's users, groups and memberships survive full LDAP syncs, which count only their own")
    func scimRowsSurvive() async throws {
        let directory = try LDAPTestDirectory.create()
        try seed(directory)
        try await TestServers.withMigratedDatabase { client, _ in
            let scim = ScimStore(client: client, provider: "entra")
            let zoe = try await scim.createUser(ScimUser(userName: "zoe", roles: ["auditor"]))
            let team = try await scim.createGroup(ScimGroup(displayName: "cloud-team", members: [zoe.id.uuidString]))
            for _ in 0..<2 {
                let outcome = try await engine(configuration(directory), client).run()
                #expect(outcome.status == .succeeded)
                #expect(outcome.summary.usersRemoved == 0 && outcome.summary.groupsRemoved == 0)
            }
            #expect(try await scim.group(id: team.id)?.members.map(\.value) == [zoe.id.uuidString.lowercased()])
            let mirrored = try await effective(client)
            #expect(mirrored.contains("zoe in cloud-team at 0") && mirrored.contains("alice in all at 2"))
            #expect(try await DirectoryStore(client: client).facts(user: "zoe")?.roles == ["auditor"])
        }
    }

    @Test("changes appear after the next run with exactly the right history rows")
    func changesAndHistory() async throws {
        let directory = try LDAPTestDirectory.create()
        try seed(directory)
        try await TestServers.withMigratedDatabase { client, _ in
            let engine = engine(configuration(directory), client)
            _ = try await engine.run()
            let groupIDs = try await client.query("SELECT id FROM directory_groups WHERE name = 'ops'")
            var opsID: Int64 = 0
            for try await id in groupIDs.decode(Int64.self) { opsID = id }

            try directory.modify(
                """
                dn: \(directory.groupDN("pay"))
                changetype: modify
                add: member
                member: \(directory.userDN("erin"))

                dn: \(directory.userDN("carol"))
                changetype: modify
                add: pwdAccountLockedTime
                pwdAccountLockedTime: 000001010000Z

                dn: \(directory.groupDN("ops"))
                changetype: modify
                delete: member
                member: \(directory.userDN("dave"))

                dn: \(directory.groupDN("ops"))
                changetype: modrdn
                newrdn: cn=operations
                deleteoldrdn: 1
                """)
            let outcome = try await engine.run(.init(mode: .full))
            #expect(outcome.status == .succeeded)
            #expect(outcome.summary.membershipsAdded == 1)
            #expect(outcome.summary.membershipsRemoved == 1)
            #expect(outcome.summary.groupsUpdated == 1)
            #expect(outcome.summary.groupsAdded == 0 && outcome.summary.groupsRemoved == 0)
            #expect(outcome.summary.usersUpdated == 1)
            #expect(
                try await history(client, run: outcome.runID) == [
                    "added \(directory.userDN("erin")) → \(directory.groupDN("pay"))",
                    "removed \(directory.userDN("dave")) → \(directory.groupDN("ops"))",
                ])
            // The renamed group keeps its identity (and id).
            let renamed = try await client.query(
                "SELECT id, dn FROM directory_groups WHERE name = 'operations' AND deleted_at IS NULL")
            for try await (id, dn) in renamed.decode((Int64, String).self) {
                #expect(id == opsID)
                #expect(dn == "cn=operations,\(directory.groupsDN)")
            }
            let effective = try await effective(client)
            #expect(effective.contains("erin in all at 2"))
            #expect(!effective.contains { $0.hasPrefix("dave in operations") })
            let carol = try await client.query("SELECT disabled FROM directory_users WHERE username = 'carol'")
            for try await flag in carol.decode(Bool.self) { #expect(flag) }

            // A run with nothing new changes nothing and writes no history.
            let again = try await engine.run(.init(mode: .full))
            var unchanged = SyncSummary()
            unchanged.usersBefore = 5
            unchanged.usersAfter = 5
            unchanged.groupsBefore = 4
            unchanged.groupsAfter = 4
            unchanged.membershipsBefore = 7
            unchanged.membershipsAfter = 7
            unchanged.effectiveMemberships = again.summary.effectiveMemberships
            #expect(again.summary == unchanged)
            #expect(try await history(client, run: again.runID).isEmpty)
        }
    }

    @Test("an incremental run picks up modified users and all membership changes, and removes no user")
    func incremental() async throws {
        let directory = try LDAPTestDirectory.create()
        try seed(directory)
        try await TestServers.withMigratedDatabase { client, _ in
            let engine = engine(configuration(directory), client)
            _ = try await engine.run()
            try directory.modify(
                """
                dn: \(directory.userDN("bob"))
                changetype: modify
                replace: mail
                mail: robert@example.com

                dn: \(directory.groupDN("ops"))
                changetype: modify
                delete: member
                member: \(directory.userDN("erin"))

                dn: \(directory.userDN("carol"))
                changetype: delete
                """)  // the refint overlay removes carol from eng, as production directories do
            let outcome = try await engine.run()
            #expect(outcome.mode == .incremental)
            #expect(outcome.summary.usersUpdated == 1)
            #expect(outcome.summary.usersRemoved == 0)
            #expect(outcome.summary.membershipsRemoved == 2)
            let full = try await engine.run(.init(mode: .full))
            #expect(full.summary.usersRemoved == 1)
        }
    }

    @Test("a directory larger than the server's size limit syncs completely")
    func pagedSync() async throws {
        let directory = try LDAPTestDirectory.create()
        try directory.modify(
            ((0..<45).map { directory.person("user\($0)") } + [
                directory.group("big", users: (0..<45).map { "user\($0)" })
            ])
            .joined(separator: "\n\n"))
        try await TestServers.withMigratedDatabase { client, _ in
            var unpaged = configuration(directory)
            unpaged.pageSize = 0
            await #expect(throws: SyncEngine.Failure.self) { try await engine(unpaged, client).run() }
            let outcome = try await engine(configuration(directory), client).run()
            #expect(outcome.summary.usersAdded == 45)
            #expect(outcome.summary.membershipsAdded == 45)
        }
    }

    @Test("a cycle of nested groups is reported, not looped, and members are still resolved")
    func cycle() async throws {
        let directory = try LDAPTestDirectory.create()
        try directory.modify(
            [
                directory.person("ann"), directory.person("ben"),
                directory.group("a", users: ["ann"]),
                directory.group("b", users: ["ben"], groups: ["a"]),
            ].joined(separator: "\n\n"))
        try directory.modify(
            """
            dn: \(directory.groupDN("a"))
            changetype: modify
            add: member
            member: \(directory.groupDN("b"))
            """)
        try await TestServers.withMigratedDatabase { client, _ in
            let outcome = try await engine(configuration(directory), client).run()
            #expect(outcome.status == .succeeded)
            #expect(outcome.warnings.contains("nested groups form a cycle: a → b → a"))
            let effective = try await effective(client)
            // Shared members, each at its shortest distance: a ⊃ b ⊃ a.
            #expect(effective.isSuperset(of: ["ann in a at 0", "ann in b at 1", "ben in a at 1", "ben in b at 0"]))
        }
    }

    @Test("the deletion guard refuses a run with a wrong base DN, and says what it would have removed")
    func deletionGuard() async throws {
        let directory = try LDAPTestDirectory.create()
        try seed(directory)
        try await TestServers.withMigratedDatabase { client, _ in
            _ = try await engine(configuration(directory), client).run()
            let before = try await DirectoryStore(client: client).loadState()
            var wrong = configuration(directory)
            wrong.userBaseDN = directory.groupsDN  // exists, holds no people
            // Incremental runs never remove users; the guard matters for full runs.
            let outcome = try await engine(wrong, client).run(.init(mode: .full))
            #expect(outcome.status == .refused)
            #expect(outcome.violations.map(\.kind).contains("users"))
            let run = try await DirectoryStore(client: client).run(id: outcome.runID)
            #expect(run?.status == .refused)
            #expect(run?.error?.contains("would remove 5 of 5 users (100 %): alice, bob, carol, dave, erin") == true)
            let after = try await DirectoryStore(client: client).loadState()
            #expect(after.users == before.users)
            #expect(after.membershipKeys == before.membershipKeys)

            let forced = try await engine(wrong, client).run(.init(mode: .full, allowMassDelete: true))
            #expect(forced.status == .succeeded)
            #expect(forced.summary.usersRemoved == 5)
        }
    }

    @Test("ring and role mappings whose group is not in the directory are reported, by DN or name")
    func vanishedMappingGroups() async throws {
        let directory = try LDAPTestDirectory.create()
        try seed(directory)
        try await TestServers.withMigratedDatabase { client, _ in
            try await client.query(
                "INSERT INTO ring_mappings (group_ref, ring, priority) VALUES ('PAY', 3, 1), ('gone-team', 2, 1)")
            try await client.query(
                "INSERT INTO role_mappings (group_ref, role) VALUES (\(directory.groupDN("ops")), 'ops'), ('cn=old,dc=x', 'admin')"
            )
            let outcome = try await engine(configuration(directory), client).run()
            let reported = outcome.warnings.filter { $0.contains("refers to a group that is not in the directory") }
            #expect(
                reported == [
                    "ring mapping gone-team refers to a group that is not in the directory",
                    "role mapping cn=old,dc=x → admin refers to a group that is not in the directory",
                ])
        }
    }

    @Test("a dry run reports the changes and writes nothing but its run record")
    func dryRun() async throws {
        let directory = try LDAPTestDirectory.create()
        try seed(directory)
        try await TestServers.withMigratedDatabase { client, _ in
            let outcome = try await engine(configuration(directory), client).run(.init(dryRun: true))
            #expect(outcome.status == .dryRun)
            #expect(outcome.summary.usersAdded == 5)
            #expect(try await DirectoryStore(client: client).loadState().users.isEmpty)
        }
    }

    @Test("hostile attribute values are stored as data or rejected, never interpreted")
    func hostileValues() async throws {
        let directory = try LDAPTestDirectory.create()
        let huge = String(repeating: "x", count: 1 << 20)
        try directory.modify(
            [
                directory.person(
                    "*)(uid=*", cn: "Robert'); DROP TABLE directory_users;--",
                    extra: ["displayName: \"quoted\" \\ back\\slash\ttab"]),
                directory.person("longname", extra: ["displayName: \(huge)"]),
                directory.group("g", users: ["*)(uid=*", "longname"]),
            ].joined(separator: "\n\n"))
        try await TestServers.withMigratedDatabase { client, _ in
            let outcome = try await engine(configuration(directory), client).run()
            #expect(outcome.status == .succeeded)
            #expect(outcome.rejected.isEmpty)
            let rows = try await client.query("SELECT username, display_name FROM directory_users ORDER BY username")
            var users: [String: String?] = [:]
            for try await (name, display) in rows.decode((String, String?).self) { users[name] = display }
            #expect(users["*)(uid=*"] == .some("\"quoted\" \\ back\\slash\ttab"))
            #expect(users["longname"] == .some(nil))  // a 1 MiB display name is dropped, the user kept
            #expect(users.count == 2)
            let count = try await client.query("SELECT count(*) FROM directory_users")
            for try await n in count.decode(Int.self) { #expect(n == 2) }
        }
    }
}
