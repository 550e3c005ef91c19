/// A direct membership in compact form: a user or a group (by number) in a group (by
/// number), the numbers being positions in the `NameTable`s of external ids that go with
/// it (`DirectoryState.userIDs` and `groupIDs`, or `DirectoryChanges`'). Eight bytes
/// hashed as one integer, so the million memberships of a large directory fit in a set of
/// a few megabytes and compare quickly; `MembershipKey` is the readable form.
public struct Membership: Sendable, Hashable, Comparable {
    /// Group number (high 32 bits), member number (31 bits), member is a group (low bit).
    private let bits: UInt64

    /// A membership; numbers are non-negative.
    public init(group: Int32, member: Int32, memberIsGroup: Bool) {
        precondition(group >= 0 && member >= 0, "membership numbers are non-negative")
        bits = UInt64(UInt32(group)) << 32 | UInt64(UInt32(member)) << 1 | (memberIsGroup ? 1 : 0)
    }

    public var group: Int32 { Int32(truncatingIfNeeded: bits >> 32) }
    public var member: Int32 { Int32(truncatingIfNeeded: (bits >> 1) & 0x7FFF_FFFF) }
    public var memberIsGroup: Bool { bits & 1 == 1 }

    /// By group, then member, then kind.
    public static func < (lhs: Membership, rhs: Membership) -> Bool { lhs.bits < rhs.bits }

    /// The readable form, by external ids.
    public func key(users: NameTable, groups: NameTable) -> MembershipKey {
        MembershipKey(
            groupExternalID: groups[group], memberExternalID: memberIsGroup ? groups[member] : users[member],
            memberIsGroup: memberIsGroup)
    }
}
