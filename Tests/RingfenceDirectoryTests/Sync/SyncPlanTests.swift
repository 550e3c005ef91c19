import RingfenceCore
import RingfenceStore
import Testing

@testable import RingfenceDirectory

@Suite("SyncPlan and DeletionGuard")
struct SyncPlanTests {
    let configuration = DirectoryConfiguration(preset: .openldap, url: "ldap://x/", bindDN: "cn=x", baseDN: "dc=x")

    func user(_ id: String, dn: String? = nil, disabled: Bool = false) -> UserRecord {
        UserRecord(externalID: id, dn: dn ?? "uid=\(id),dc=x", username: id, disabled: disabled)
    }

    func row(_ record: UserRecord) -> UserRow { record.row }

    /// A group entry of `objectClass` with member attributes, mapped as a sync maps it.
    func group(
        _ id: String, dn: String? = nil, kind objectClass: String = "groupOfNames", _ members: [String: [String]]
    )
        -> LDAPEntry
    {
        var attributes: [String: [[UInt8]]] = [
            "entryUUID": [Array(id.utf8)], "cn": [Array(id.utf8)], "objectClass": [Array(objectClass.utf8)],
        ]
        for (attribute, values) in members { attributes[attribute] = values.map { Array($0.utf8) } }
        return LDAPEntry(dn: dn ?? "cn=\(id),dc=x", attributes: attributes)
    }

    func data(users: [UserRecord], groups: [LDAPEntry]) -> DirectoryData {
        var data = DirectoryData(users: users)
        DirectoryMapping(configuration).add(groups: groups, to: &data)
        return data
    }

    func plan(_ current: DirectoryState = DirectoryState(), _ incoming: DirectoryData, mode: SyncPlan.Mode = .full)
        -> SyncPlan
    {
        SyncPlan(current: current, incoming: incoming, mode: mode, configuration: configuration)
    }

    func effective(_ plan: SyncPlan) -> Set<String> {
        let changes = plan.changes
        return Set(
            (changes.effective?.rows.map { $0 } ?? []).map {
                "\(changes.userIDs[$0.user]) in \(changes.groupIDs[$0.group]) at \($0.depth)"
            })
    }

    @Test("identity, not DN: a moved user is an update; gone users are removed in full runs only")
    func usersByIdentity() {
        let current = DirectoryState(users: [1: row(user("a")), 2: row(user("b"))])
        let incoming = DirectoryData(users: [user("a", dn: "uid=a,ou=moved,dc=x"), user("c")])
        let full = SyncPlan(current: current, incoming: incoming, mode: .full, configuration: configuration)
        #expect(full.changes.usersToUpdate.map(\.id) == [1])
        #expect(full.changes.usersToInsert.map(\.username) == ["c"])
        #expect(full.changes.usersToDelete == [2])
        #expect(full.removedUsers == ["b"])
        let incremental = SyncPlan(
            current: current, incoming: incoming, mode: .incremental, configuration: configuration)
        #expect(incremental.changes.usersToDelete.isEmpty)
    }

    @Test("duplicate identities and user names are rejected, not merged")
    func duplicates() {
        let incoming = DirectoryData(users: [
            user("a"), user("a", dn: "uid=a2,dc=x"), UserRecord(externalID: "z", dn: "uid=z,dc=x", username: "A"),
        ])
        let plan = SyncPlan(current: DirectoryState(), incoming: incoming, mode: .full, configuration: configuration)
        #expect(plan.changes.usersToInsert.count == 1)
        #expect(plan.rejected.count == 2)
    }

    @Test("membership changes produce one history row each; unknown members are counted")
    func memberships() {
        let current = DirectoryState(
            users: [1: row(user("a")), 2: row(user("b"))],
            groups: [10: GroupRow(externalID: "g", dn: "cn=g,dc=x", name: "g", description: nil, owners: [])],
            memberships: [MembershipKey(groupExternalID: "g", memberExternalID: "a", memberIsGroup: false)])
        let incoming = data(
            users: [user("a"), user("b")], groups: [group("g", ["member": ["UID=B,DC=X", "uid=ghost,dc=x"]])])
        let plan = SyncPlan(current: current, incoming: incoming, mode: .full, configuration: configuration)
        #expect(
            plan.changes.history == [
                MembershipChange(change: .added, groupDN: "cn=g,dc=x", memberDN: "uid=b,dc=x", memberIsGroup: false),
                MembershipChange(change: .removed, groupDN: "cn=g,dc=x", memberDN: "uid=a,dc=x", memberIsGroup: false),
            ])
        #expect(plan.unresolved.count == 1)
        #expect(plan.unresolved.named == ["uid=ghost,dc=x (member of group g)"])
        #expect(effective(plan) == ["b in g at 0"])
    }

    @Test("nothing changed: nothing to write")
    func idle() {
        let current = DirectoryState(users: [1: row(user("a"))])
        let plan = SyncPlan(
            current: current, incoming: DirectoryData(users: [user("a")]), mode: .full, configuration: configuration)
        #expect(plan.changes.isEmpty)
    }

    @Test(
        "the guard trips on count or share, per kind",
        arguments: [
            (5, 100, 500, 0.10, false),  // 5 %
            (11, 100, 500, 0.10, true),  // 11 % > 10 %
            (501, 100_000, 500, 0.10, true),  // more than 500
            (500, 100_000, 500, 0.10, false),
            (1, 1, 500, 1.0, false),  // 100 % allowed by configuration
        ])
    func guardLimits(removing: Int, total: Int, maxDeletions: Int, maxShare: Double, trips: Bool) {
        let users = (0..<total).map { user("u\($0)") }
        var state = DirectoryState()
        for (index, record) in users.enumerated() { state.append(user: row(record), id: Int64(index)) }
        let plan = SyncPlan(
            current: state, incoming: DirectoryData(users: Array(users.dropFirst(removing))), mode: .full,
            configuration: configuration)
        let violations = DeletionGuard(maxDeletions: maxDeletions, maxShare: maxShare).violations(of: plan)
        #expect(!violations.isEmpty == trips)
        if trips { #expect(violations[0].description.hasPrefix("would remove \(removing) of \(total) users")) }
    }

    @Test("a mixed directory: every kind's members, nesting and a cycle across kinds, equal DNs in any spelling")
    func mixedKinds() {
        let users = [
            user("alice", dn: "uid=alice,ou=people,dc=x"), user("bob", dn: "cn=O'Brien\\+Ops,dc=x"),
            user("zoe", dn: "cn=Müller\\, Jörg,dc=x"),
        ]
        let incoming = data(
            users: users,
            groups: [
                group("top", ["member": ["cn=mid,dc=x", "UID=Alice,OU=People,DC=X"]]),
                group(
                    "mid", kind: "groupOfUniqueNames",
                    ["uniqueMember": ["CN=low,dc=x#'01'B", "cn=O'Brien\\2BOps,dc=x"]]),
                group("low", ["member": ["cn=M\\C3\\BCller\\2C J\\C3\\B6rg,dc=x", "cn=top,dc=x"]]),
                group("posix", kind: "posixGroup", ["memberUid": ["ALICE", "nobody"]]),
                group("dynamic", kind: "groupOfURLs", ["member": ["uid=alice,ou=people,dc=x"]]),
            ])
        let plan = plan(DirectoryState(), incoming)
        #expect(plan.cycles == [["low", "mid", "top"]])
        #expect(
            effective(plan) == [
                "alice in top at 0", "alice in low at 1", "alice in mid at 2", "bob in mid at 0", "bob in low at 2",
                "bob in top at 1", "zoe in low at 0", "zoe in top at 2", "zoe in mid at 1", "alice in posix at 0",
            ])
        #expect(plan.membershipsByAttribute == ["member": 4, "uniqueMember": 2, "memberUid": 1])
        #expect(plan.unresolved.byAttribute == ["memberUid": 1])
        #expect(plan.unresolved.named == ["nobody (memberUid of group posix)"])
        #expect(plan.unreadGroups == ["cn=dynamic,dc=x (groupOfURLs)"])
    }

    @Test("an incremental run removes the users the directory reports deleted, and only them")
    func deletedUsers() {
        let current = DirectoryState(users: [1: row(user("a")), 2: row(user("b")), 3: row(user("c"))])
        var incoming = DirectoryData(users: [user("a")])
        incoming.deletedUsers = ["b", "never-synced"]
        let plan = plan(current, incoming, mode: .incremental)
        #expect(plan.changes.usersToDelete == [2])
        #expect(plan.removedUsers == ["b"])
    }

    @Test("role groups are matched by DN as a DN, or by name")
    func roleGroups() {
        var configuration = configuration
        configuration.roleGroups = ["CN=Leads, DC=X": "lead", "Devs": "developer"]
        let incoming = data(
            users: [user("a"), user("b")],
            groups: [group("leads", ["member": ["uid=a,dc=x"]]), group("devs", ["member": ["uid=b,dc=x"]])])
        let plan = SyncPlan(current: DirectoryState(), incoming: incoming, mode: .full, configuration: configuration)
        #expect(
            Set((plan.changes.roles ?? []).map { "\($0.userExternalID):\($0.role)" }) == ["a:lead", "b:developer"])
    }
}
