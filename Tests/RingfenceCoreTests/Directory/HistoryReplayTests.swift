import Testing

@testable import RingfenceCore

@Suite("HistoryReplay and NestedMembership: the directory as it was")
struct HistoryReplayTests {
    typealias Change = HistoryReplay.Change<String>

    @Test("an element added since was absent, one removed since was present, others are as now")
    func singleChanges() {
        let then = HistoryReplay.before(
            current: ["kept", "new"], changes: [Change("new", added: true), Change("gone", added: false)])
        #expect(then == ["kept", "gone"])
    }

    @Test("the oldest change after the moment decides, however many follow")
    func repeatedChanges() {
        // removed, added back, removed again: it was there at the moment.
        let removedTwice = [Change("a", added: false), Change("a", added: true), Change("a", added: false)]
        #expect(HistoryReplay.before(current: [], changes: removedTwice) == ["a"])
        // added, removed, added again: it was not.
        let addedTwice = [Change("a", added: true), Change("a", added: false), Change("a", added: true)]
        #expect(HistoryReplay.before(current: ["a"], changes: addedTwice) == [])
        // A writer that deletes and re-inserts in one go leaves the element as it was.
        #expect(
            HistoryReplay.before(current: ["a"], changes: [Change("a", added: false), Change("a", added: true)])
                == ["a"])
    }

    @Test("no changes: the set now")
    func noChanges() {
        #expect(HistoryReplay.before(current: ["x", "y"], changes: []) == ["x", "y"])
    }

    typealias Edge = NestedMembership.Edge

    @Test("groups through nesting, a cycle ends the walk, other users' groups are not counted")
    func nesting() {
        let edges: [Edge] = [
            Edge(group: "pay", member: "bob", memberIsGroup: false),
            Edge(group: "eng", member: "pay", memberIsGroup: true),
            Edge(group: "all", member: "eng", memberIsGroup: true),
            Edge(group: "eng", member: "all", memberIsGroup: true),  // a cycle
            Edge(group: "ops", member: "erin", memberIsGroup: false),
            Edge(group: "bob", member: "ops", memberIsGroup: true),  // a group named like the user
        ]
        #expect(NestedMembership(edges).groups(of: "bob") == ["pay", "eng", "all"])
        #expect(NestedMembership(edges).groups(of: "erin") == ["ops", "bob"])
        #expect(NestedMembership(edges).groups(of: "nobody") == [])
    }

    @Test("memberships replayed, then nested: leaving a group a week ago leaves its parents too")
    func replayThenNest() {
        let now: Set<Edge> = [
            Edge(group: "eng", member: "bob", memberIsGroup: false),
            Edge(group: "eng", member: "sec", memberIsGroup: true),
        ]
        let since: [HistoryReplay.Change<Edge>] = [
            .init(Edge(group: "sec", member: "bob", memberIsGroup: false), added: false),
            .init(Edge(group: "eng", member: "bob", memberIsGroup: false), added: true),
        ]
        let then = HistoryReplay.before(current: now, changes: since)
        #expect(NestedMembership(then).groups(of: "bob") == ["sec", "eng"])
        #expect(NestedMembership(now).groups(of: "bob") == ["eng"])
    }
}
