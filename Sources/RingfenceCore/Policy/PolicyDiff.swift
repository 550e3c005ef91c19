/// What publishing a bundle would change against the current one, for `ringfence apply`
/// and review. Pure.
public struct PolicyDiff: Sendable, Equatable {
    /// Assignment ids added, changed and removed.
    public var added: [String] = []
    public var changed: [String] = []
    public var removed: [String] = []
    /// Pack versions (`pack@version`) in the new bundle but not the current one.
    public var newPackVersions: [String] = []
    /// Whether ring or role mappings differ.
    public var mappingsChanged = false

    /// Compares a new bundle with the current one (nil = nothing published yet).
    public init(from current: PolicyBundle?, to next: PolicyBundle) {
        let before = Dictionary((current?.assignments ?? []).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(next.assignments.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        added = after.keys.filter { before[$0] == nil }.sorted()
        removed = before.keys.filter { after[$0] == nil }.sorted()
        changed = after.keys.filter { before[$0] != nil && before[$0] != after[$0] }.sorted()
        let known = Set((current?.packs ?? []).map { "\($0.pack)@\($0.version)" })
        newPackVersions = next.packs.map { "\($0.pack)@\($0.version)" }.filter { !known.contains($0) }.sorted()
        mappingsChanged = Set(current?.ringMappings ?? []) != Set(next.ringMappings) || Set(current?.roleMappings ?? []) != Set(next.roleMappings)
    }

    /// Whether publishing would change anything.
    public var isEmpty: Bool {
        added.isEmpty && changed.isEmpty && removed.isEmpty && newPackVersions.isEmpty && !mappingsChanged
    }

    /// The diff as lines for people.
    public var lines: [String] {
        added.map { "+ assignment \($0)" } + changed.map { "~ assignment \($0)" } + removed.map { "- assignment \($0)" }
            + newPackVersions.map { "+ pack version \($0)" } + (mappingsChanged ? ["~ ring/role mappings"] : [])
    }
}
