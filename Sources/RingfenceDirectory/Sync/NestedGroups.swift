/// Flattens nested groups into effective memberships, detecting cycles instead of looping.
///
/// Groups and users are dense indices. The group graph (group → member groups) is split
/// into strongly connected components with an iterative Tarjan (no recursion, so deep
/// nesting cannot overflow the stack). Components come out children first, so each
/// group's members are its direct users (depth 0) plus its child groups' members, one
/// level deeper. Groups in one component (a cycle) contain each other: their members are
/// shared, each at the depth of its **shortest** path from that group (relaxed inside the
/// component until nothing shortens), and every such component is reported as a cycle.
public struct NestedGroups: Sendable {
    /// For each group, its effective members: (user index, depth), depth 0 = direct.
    public let members: [[(user: Int32, depth: Int32)]]
    /// Groups that form cycles, each cycle as group indices (sorted).
    public let cycles: [[Int32]]

    /// - Parameters:
    ///   - groupCount: number of groups.
    ///   - childGroups: for each group, the groups that are its direct members.
    ///   - directUsers: for each group, the users that are its direct members.
    public init(groupCount: Int, childGroups: [[Int32]], directUsers: [[Int32]]) {
        let components = Self.stronglyConnectedComponents(count: groupCount, edges: childGroups)
        var componentOf = [Int32](repeating: -1, count: groupCount)
        for (index, component) in components.enumerated() {
            for group in component { componentOf[Int(group)] = Int32(index) }
        }
        // Each group's members as a sorted array as soon as its component is done; a
        // dictionary only while one component is being computed.
        var groupMembers = [[(user: Int32, depth: Int32)]](repeating: [], count: groupCount)
        for (index, component) in components.enumerated() {
            // Direct users, and members of child groups outside the component.
            var working: [Int32: [Int32: Int32]] = [:]
            for group in component {
                var members: [Int32: Int32] = [:]
                for user in directUsers[Int(group)] { members[user] = 0 }
                for child in childGroups[Int(group)] where componentOf[Int(child)] != Int32(index) {
                    for (user, depth) in groupMembers[Int(child)] {
                        if let existing = members[user], existing <= depth + 1 { continue }
                        members[user] = depth + 1
                    }
                }
                working[group] = members
            }
            if component.count > 1 {
                // A cycle: relax along the edges inside it until no depth shortens.
                var changed = true
                while changed {
                    changed = false
                    for group in component {
                        var members = working[group]!
                        for child in childGroups[Int(group)]
                        where child != group && componentOf[Int(child)] == Int32(index) {
                            for (user, depth) in working[child]! {
                                if let existing = members[user], existing <= depth + 1 { continue }
                                members[user] = depth + 1
                                changed = true
                            }
                        }
                        working[group] = members
                    }
                }
            }
            for (group, members) in working {
                groupMembers[Int(group)] = members.map { (user: $0.key, depth: $0.value) }.sorted { $0.user < $1.user }
            }
        }
        members = groupMembers
        cycles = Self.cycles(components: components, childGroups: childGroups)
    }

    /// The groups that form cycles: components of more than one group, and groups that
    /// contain themselves.
    public static func cycles(groupCount: Int, childGroups: [[Int32]]) -> [[Int32]] {
        cycles(
            components: stronglyConnectedComponents(count: groupCount, edges: childGroups), childGroups: childGroups)
    }

    static func cycles(components: [[Int32]], childGroups: [[Int32]]) -> [[Int32]] {
        components.filter { $0.count > 1 || childGroups[Int($0[0])].contains($0[0]) }.map { $0.sorted() }
            .sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// Tarjan's algorithm, iteratively; components in reverse topological order (children first).
    static func stronglyConnectedComponents(count: Int, edges: [[Int32]]) -> [[Int32]] {
        var index = [Int32](repeating: -1, count: count)
        var lowLink = [Int32](repeating: 0, count: count)
        var onStack = [Bool](repeating: false, count: count)
        var stack: [Int32] = []
        var components: [[Int32]] = []
        var nextIndex: Int32 = 0
        var work: [(node: Int32, edge: Int)] = []
        for start in 0..<count where index[start] < 0 {
            work.append((Int32(start), 0))
            while let (node, edge) = work.last {
                let n = Int(node)
                if edge == 0 {
                    index[n] = nextIndex
                    lowLink[n] = nextIndex
                    nextIndex += 1
                    stack.append(node)
                    onStack[n] = true
                }
                if edge < edges[n].count {
                    work[work.count - 1].edge = edge + 1
                    let child = Int(edges[n][edge])
                    if index[child] < 0 {
                        work.append((Int32(child), 0))
                    } else if onStack[child] {
                        lowLink[n] = min(lowLink[n], index[child])
                    }
                    continue
                }
                work.removeLast()
                if let parent = work.last { lowLink[Int(parent.node)] = min(lowLink[Int(parent.node)], lowLink[n]) }
                if lowLink[n] == index[n] {
                    var component: [Int32] = []
                    while let top = stack.popLast() {
                        onStack[Int(top)] = false
                        component.append(top)
                        if top == node { break }
                    }
                    components.append(component)
                }
            }
        }
        return components
    }
}
