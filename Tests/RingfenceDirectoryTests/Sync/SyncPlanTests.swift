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
        let incoming = DirectoryData(
            users: [user("a"), user("b")],
            groups: [
                GroupRecord(externalID: "g", dn: "cn=g,dc=x", name: "g", members: ["UID=B,DC=X", "uid=ghost,dc=x"])
            ])
        let plan = SyncPlan(current: current, incoming: incoming, mode: .full, configuration: configuration)
        #expect(
            plan.changes.history == [
                MembershipChange(change: .added, groupDN: "cn=g,dc=x", memberDN: "uid=b,dc=x", memberIsGroup: false),
                MembershipChange(change: .removed, groupDN: "cn=g,dc=x", memberDN: "uid=a,dc=x", memberIsGroup: false),
            ])
        #expect(plan.unresolvedMembers == 1)
        #expect(plan.changes.effective?.map(\.userExternalID) == ["b"])
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
        for (index, record) in users.enumerated() { state.users[Int64(index)] = row(record) }
        let plan = SyncPlan(
            current: state, incoming: DirectoryData(users: Array(users.dropFirst(removing))), mode: .full,
            configuration: configuration)
        let violations = DeletionGuard(maxDeletions: maxDeletions, maxShare: maxShare).violations(of: plan)
        #expect(!violations.isEmpty == trips)
        if trips { #expect(violations[0].description.hasPrefix("would remove \(removing) of \(total) users")) }
    }
}
