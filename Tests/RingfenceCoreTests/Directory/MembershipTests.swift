import PropertyBased
import RingfenceCore
import RingfenceTestSupport
import Testing

@Suite("Membership (compact form)")
struct MembershipTests {
    static func membership(_ choices: inout Choices) -> (group: Int32, member: Int32, isGroup: Bool) {
        // Mostly small numbers, sometimes the largest a number can be.
        func number() -> Int32 { choices.chance(0.1) ? Int32.max - Int32(choices.below(3)) : Int32(choices.below(200)) }
        return (number(), number(), choices.chance(0.5))
    }

    @Test("group, member and kind come back as they went in; equal exactly when all three are equal")
    func roundTrip() async {
        await propertyCheck(count: 500, input: Choices.generator) { values in
            var choices = Choices(values)
            let a = Self.membership(&choices)
            let b = choices.chance(0.3) ? a : Self.membership(&choices)
            let packedA = Membership(group: a.group, member: a.member, memberIsGroup: a.isGroup)
            let packedB = Membership(group: b.group, member: b.member, memberIsGroup: b.isGroup)
            #expect(packedA.group == a.group && packedA.member == a.member && packedA.memberIsGroup == a.isGroup)
            #expect((packedA == packedB) == (a == b))
            // Ordered by group, then member, then kind.
            #expect(
                (packedA < packedB)
                    == ((a.group, a.member, a.isGroup ? 1 : 0) < (b.group, b.member, b.isGroup ? 1 : 0)))
        }
    }

    @Test("the readable form names the member in the table of its kind")
    func key() {
        var users = NameTable()
        var groups = NameTable()
        let alice = users.number("u-alice")
        _ = users.number("u-bob")
        let team = groups.number("g-team")
        let all = groups.number("g-all")
        #expect(
            Membership(group: all, member: team, memberIsGroup: true).key(users: users, groups: groups)
                == MembershipKey(groupExternalID: "g-all", memberExternalID: "g-team", memberIsGroup: true))
        #expect(
            Membership(group: team, member: alice, memberIsGroup: false).key(users: users, groups: groups)
                == MembershipKey(groupExternalID: "g-team", memberExternalID: "u-alice", memberIsGroup: false))
    }

    @Test("a state built from external ids numbers rows by position and drops memberships of unknown ids")
    func state() {
        let state = DirectoryState(
            users: [
                7: UserRow(
                    externalID: "u7", dn: "uid=b,dc=x", username: "b", email: nil, displayName: nil, disabled: false),
                3: UserRow(
                    externalID: "u3", dn: "uid=a,dc=x", username: "a", email: nil, displayName: nil, disabled: false),
            ],
            groups: [5: GroupRow(externalID: "g5", dn: "cn=g,dc=x", name: "g", description: nil, owners: [])],
            memberships: [
                MembershipKey(groupExternalID: "g5", memberExternalID: "u7", memberIsGroup: false),
                MembershipKey(groupExternalID: "g5", memberExternalID: "ghost", memberIsGroup: false),
            ])
        #expect(state.users.map(\.id) == [3, 7])
        #expect(state.userIDs[1] == "u7")
        #expect(
            state.membershipKeys == [MembershipKey(groupExternalID: "g5", memberExternalID: "u7", memberIsGroup: false)]
        )
    }
}
