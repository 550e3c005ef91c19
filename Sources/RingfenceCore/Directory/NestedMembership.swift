/// The groups a user is in, directly or through nested groups, from direct memberships
/// given by DN keys (``DistinguishedName/key``): pure. The closure the sync engine keeps
/// in `effective_memberships`, computed here for a directory replayed to a moment.
public struct NestedMembership: Sendable {
    /// One direct membership: `member` (a user's or a group's DN key) in `group`.
    public struct Edge: Sendable, Hashable {
        public var group: String
        public var member: String
        public var memberIsGroup: Bool

        public init(group: String, member: String, memberIsGroup: Bool) {
            self.group = group
            self.member = member
            self.memberIsGroup = memberIsGroup
        }
    }

    private var groupsOfUser: [String: [String]] = [:]
    private var parentsOfGroup: [String: [String]] = [:]

    public init(_ edges: some Sequence<Edge>) {
        for edge in edges {
            if edge.memberIsGroup {
                parentsOfGroup[edge.member, default: []].append(edge.group)
            } else {
                groupsOfUser[edge.member, default: []].append(edge.group)
            }
        }
    }

    /// The DN keys of every group `user` is in; a cycle of groups ends the walk.
    public func groups(of user: String) -> Set<String> {
        var found: Set<String> = []
        var pending = groupsOfUser[user] ?? []
        while let group = pending.popLast() {
            guard found.insert(group).inserted else { continue }
            pending += parentsOfGroup[group] ?? []
        }
        return found
    }
}
