/// Maps a directory group to a ring. Among a user's groups, the mapping with the highest
/// priority decides the ring (docs/resolution.md, rule 2).
public struct RingMapping: Sendable, Hashable, Codable {
    /// Group name (or DN).
    public var group: String
    /// The ring its members are in.
    public var ring: Ring
    /// Higher wins.
    public var priority: Int

    /// Creates a mapping.
    public init(group: String, ring: Ring, priority: Int = 0) {
        self.group = group
        self.ring = ring
        self.priority = priority
    }
}

/// Gives the members of a directory group a role.
public struct RoleMapping: Sendable, Hashable, Codable {
    /// Group name (or DN).
    public var group: String
    /// The role its members get.
    public var role: String

    /// Creates a mapping.
    public init(group: String, role: String) {
        self.group = group
        self.role = role
    }
}
