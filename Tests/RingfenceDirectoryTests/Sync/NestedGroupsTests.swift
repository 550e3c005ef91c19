import PropertyBased
import RingfenceTestSupport
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

    @Test("inside a cycle each group sees a member at its shortest distance")
    func cycleDepths() {
        // 0 ⊃ 1 ⊃ 2 ⊃ 0; user 0 is a direct member of 0 only: 2 reaches it in 1 step, 1 in 2.
        let nested = NestedGroups(groupCount: 3, childGroups: [[1], [2], [0]], directUsers: [[0], [], []])
        #expect(nested.members.map { $0.map { "\($0.user)@\($0.depth)" } } == [["0@0"], ["0@2"], ["0@1"]])
    }

    /// Depth by breadth-first search from each group: the definition, slowly.
    static func reference(groupCount: Int, childGroups: [[Int32]], directUsers: [[Int32]]) -> [[String]] {
        (0..<groupCount).map { start in
            var best: [Int32: Int32] = [:]
            var seen: Set<Int32> = [Int32(start)]
            var level: [Int32] = [Int32(start)]
            var depth: Int32 = 0
            while !level.isEmpty {
                for group in level {
                    for user in directUsers[Int(group)] where best[user] == nil { best[user] = depth }
                }
                level = level.flatMap { childGroups[Int($0)] }.filter { seen.insert($0).inserted }
                depth += 1
            }
            return best.sorted { $0.key < $1.key }.map { "\($0.key)@\($0.value)" }
        }
    }

    @Test("random nestings, cycles included: the depths are the shortest paths")
    func randomGraphs() async {
        await propertyCheck(count: 300, input: Choices.generator) { values in
            var choices = Choices(values)
            let groups = 1 + choices.below(8)
            let childGroups = (0..<groups).map { _ in
                (0..<choices.below(3)).map { _ in Int32(choices.below(groups)) }
            }
            let directUsers = (0..<groups).map { _ in (0..<choices.below(3)).map { _ in Int32(choices.below(5)) } }
            let nested = NestedGroups(groupCount: groups, childGroups: childGroups, directUsers: directUsers)
            let actual = nested.members.map { $0.map { "\($0.user)@\($0.depth)" } }
            #expect(
                actual == Self.reference(groupCount: groups, childGroups: childGroups, directUsers: directUsers),
                "\(childGroups) \(directUsers)")
        }
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
