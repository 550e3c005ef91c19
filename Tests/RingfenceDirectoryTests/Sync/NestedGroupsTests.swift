import Testing

@testable import RingfenceDirectory

@Suite("NestedGroups")
struct NestedGroupsTests {
    @Test("three levels: members reach every ancestor at their depth")
    func levels() {
        // 0 ⊃ 1 ⊃ 2; users: 2 has u0, 1 has u1, 0 has u0 directly too.
        let nested = NestedGroups(groupCount: 3, childGroups: [[1], [2], []], directUsers: [[0], [1], [0]])
        #expect(nested.cycles.isEmpty)
        #expect(nested.members[2].map { "\($0.user)@\($0.depth)" } == ["0@0"])
        #expect(nested.members[1].map { "\($0.user)@\($0.depth)" } == ["0@1", "1@0"])
        #expect(nested.members[0].map { "\($0.user)@\($0.depth)" } == ["0@0", "1@1"])  // direct wins over nested
    }

    @Test("cycles are reported and their groups share members")
    func cycles() {
        // 0 ⊃ 1 ⊃ 2 ⊃ 0, and 3 contains itself.
        let nested = NestedGroups(groupCount: 4, childGroups: [[1], [2], [0], [3]], directUsers: [[0], [1], [2], [3]])
        #expect(nested.cycles == [[0, 1, 2], [3]])
        for group in 0..<3 { #expect(Set(nested.members[group].map(\.user)) == [0, 1, 2]) }
        #expect(nested.members[3].map(\.user) == [3])
    }

    @Test("deep nesting does not overflow the stack")
    func deep() {
        let count = 200_000
        let nested = NestedGroups(
            groupCount: count, childGroups: (0..<count).map { $0 + 1 < count ? [Int32($0 + 1)] : [] },
            directUsers: (0..<count).map { $0 == count - 1 ? [7] : [] })
        #expect(nested.members[0].map(\.depth) == [Int32(count - 1)])
    }
}
