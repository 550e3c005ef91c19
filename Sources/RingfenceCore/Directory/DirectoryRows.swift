import Foundation

/// The directory mirror as PostgreSQL holds it (live rows only), and the changes a sync
/// run writes. Plain values: the sync engine computes `DirectoryChanges` from
/// `DirectoryState` without I/O, and `DirectoryStore` reads and writes them.

/// A user row.
public struct UserRow: Sendable, Hashable {
    public var externalID: String
    public var dn: String
    public var username: String
    public var email: String?
    public var displayName: String?
    public var disabled: Bool
    /// The DN's normalized key (`DistinguishedName.key`), for comparing DNs in SQL.
    public var dnKey: String

    /// A row; `dnKey` defaults to the DN's key (its lower-cased text when it is not a DN).
    public init(
        externalID: String, dn: String, username: String, email: String?, displayName: String?, disabled: Bool,
        dnKey: String? = nil
    ) {
        self.externalID = externalID
        self.dn = dn
        self.username = username
        self.email = email
        self.displayName = displayName
        self.disabled = disabled
        self.dnKey = dnKey ?? DistinguishedName.key(dn) ?? dn.lowercased()
    }
}

/// A group row.
public struct GroupRow: Sendable, Hashable {
    public var externalID: String
    public var dn: String
    public var name: String
    public var description: String?
    /// DNs of the people responsible (report recipients), as DN keys.
    public var owners: [String]
    /// The DN's normalized key (`DistinguishedName.key`).
    public var dnKey: String

    /// A row; `dnKey` defaults to the DN's key (its lower-cased text when it is not a DN).
    public init(
        externalID: String, dn: String, name: String, description: String?, owners: [String], dnKey: String? = nil
    ) {
        self.externalID = externalID
        self.dn = dn
        self.name = name
        self.description = description
        self.owners = owners
        self.dnKey = dnKey ?? DistinguishedName.key(dn) ?? dn.lowercased()
    }
}

/// A direct membership: a user or a group in a group, by external ids.
public struct MembershipKey: Sendable, Hashable {
    public var groupExternalID: String
    public var memberExternalID: String
    public var memberIsGroup: Bool

    public init(groupExternalID: String, memberExternalID: String, memberIsGroup: Bool) {
        self.groupExternalID = groupExternalID
        self.memberExternalID = memberExternalID
        self.memberIsGroup = memberIsGroup
    }
}

/// One line of `membership_history`.
public struct MembershipChange: Sendable, Hashable {
    public enum Kind: String, Sendable { case added, removed }
    public var change: Kind
    public var groupDN: String
    public var memberDN: String
    public var memberIsGroup: Bool

    public init(change: Kind, groupDN: String, memberDN: String, memberIsGroup: Bool) {
        self.change = change
        self.groupDN = groupDN
        self.memberDN = memberDN
        self.memberIsGroup = memberIsGroup
    }
}

/// A role of a user and where it came from (`attribute` or `group:<dn>`).
public struct RoleRow: Sendable, Hashable {
    public var userExternalID: String
    public var role: String
    public var source: String

    public init(userExternalID: String, role: String, source: String) {
        self.userExternalID = userExternalID
        self.role = role
        self.source = source
    }
}

/// Effective (nested-resolved) memberships: for each group, by its number in the
/// `NameTable` of group ids that goes with it (`DirectoryChanges.groupIDs`), its members
/// as user numbers (`DirectoryChanges.userIDs`) with their depth, 0 = direct. Kept per
/// group as the flattening produced them, so millions of rows cost eight bytes each.
public struct EffectiveMemberships: Sendable {
    public var byGroup: [[(user: Int32, depth: Int32)]]

    public init(byGroup: [[(user: Int32, depth: Int32)]]) { self.byGroup = byGroup }

    /// The number of (user, group) rows.
    public var count: Int { byGroup.reduce(0) { $0 + $1.count } }

    /// Every row as (user, group, depth), group by group.
    public var rows: some Collection<(user: Int32, group: Int32, depth: Int32)> {
        byGroup.indices.lazy.flatMap { group in
            byGroup[group].lazy.map { (user: $0.user, group: Int32(group), depth: $0.depth) }
        }
    }
}
