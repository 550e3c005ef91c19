/// What publishing a bundle would change against the current one, for `ringfence apply`,
/// `ringfence rollback`, `ringfence history` and review. Pure.
///
/// Compares what decides: assignments, the pack version each assignment resolves to (a
/// `latest` reference moves when versions come or go, with the assignment unchanged),
/// the pack versions in the bundle both ways, the mappings, repositories, MCP servers,
/// floors, the rollout plan, exceptions, holds and promotions; changed entities are shown
/// field by field (``ReadableFields``). Pack versions that were
/// published before (a return after a rollback) are told apart from new ones.
public struct PolicyDiff: Sendable, Equatable {
    /// Assignment ids added, changed and removed.
    public var added: [String] = []
    public var changed: [String] = []
    public var removed: [String] = []
    /// Unchanged assignments whose pack reference now resolves to another version
    /// (`id: pack@old → pack@new`).
    public var repointed: [String] = []
    /// Pack versions (`pack@version`) in the new bundle but not the current one, never
    /// published before.
    public var newPackVersions: [String] = []
    /// Pack versions in the new bundle but not the current one that were published
    /// before (their content is already stored; nothing new is written).
    public var returningPackVersions: [String] = []
    /// Pack versions in the current bundle but not the new one.
    public var removedPackVersions: [String] = []
    /// Changed assignments' fields, `name: before → after` (``ReadableFields``), by id.
    public var changedFields: [String: [String]] = [:]
    /// Whether ring or role mappings differ.
    public var mappingsChanged = false
    /// The mapping changes in words: `+ ring mapping web → ring 3 (priority 10)`,
    /// `~ ring mapping web: ring 2 → 3`, `- role mapping g → admin`.
    public var mappingLines: [String] = []
    /// Repository entries (`match → trust`) added and removed; order counts (first match
    /// wins), so a moved entry shows as removed and added.
    public var repositoriesAdded: [String] = []
    public var repositoriesRemoved: [String] = []
    /// Approved MCP servers (`name (identity)`) added and removed.
    public var mcpServersAdded: [String] = []
    public var mcpServersRemoved: [String] = []
    /// Floors of the whole policy added and removed, in words.
    public var floorsAdded: [String] = []
    public var floorsRemoved: [String] = []
    /// Whether the rollout plan differs, and how (`name: before → after`).
    public var rolloutChanged = false
    public var rolloutChanges: [String] = []
    /// Exceptions and holds added and removed, in words.
    public var adjustmentsAdded: [String] = []
    public var adjustmentsRemoved: [String] = []
    /// Promotions added and removed (`web → ring 4`).
    public var promotionsAdded: [String] = []
    public var promotionsRemoved: [String] = []

    /// Compares a new bundle with the current one (nil = nothing published yet).
    /// - Parameter published: every `pack@version` ever published (empty: treat every
    ///   version missing from `current` as new).
    public init(from current: PolicyBundle?, to next: PolicyBundle, published: Set<String> = []) {
        let before = Dictionary(
            (current?.assignments ?? []).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(next.assignments.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        added = after.keys.filter { before[$0] == nil }.sorted()
        removed = before.keys.filter { after[$0] == nil }.sorted()
        changed = after.keys.filter { before[$0] != nil && before[$0] != after[$0] }.sorted()
        for id in changed {
            changedFields[id] = ReadableFields.changes(ReadableFields.of(before[id]!), ReadableFields.of(after[id]!))
        }
        if let current {
            repointed = after.values.filter { before[$0.id] == $0 }.sorted { $0.id < $1.id }.compactMap { assignment in
                guard let pack = assignment.pack else { return nil }
                let old = current.packVersion(named: pack, assignment.version)?.version
                let new = next.packVersion(named: pack, assignment.version)?.version
                guard old != new else { return nil }
                return
                    "\(assignment.id): \(pack)@\(old.map(String.init) ?? "none") → \(pack)@\(new.map(String.init) ?? "none")"
            }
        }
        let known = Set((current?.packs ?? []).map { "\($0.pack)@\($0.version)" })
        let incoming = Set(next.packs.map { "\($0.pack)@\($0.version)" })
        let arriving = incoming.subtracting(known)
        newPackVersions = arriving.subtracting(published).sorted()
        returningPackVersions = arriving.intersection(published).sorted()
        removedPackVersions = known.subtracting(incoming).sorted()
        mappingsChanged =
            Set(current?.ringMappings ?? []) != Set(next.ringMappings)
            || Set(current?.roleMappings ?? []) != Set(next.roleMappings)
        let oldRepositories = (current?.repositories ?? []).enumerated().map { Self.describe($1, at: $0) }
        let newRepositories = next.repositories.enumerated().map { Self.describe($1, at: $0) }
        repositoriesAdded = newRepositories.filter { !oldRepositories.contains($0) }
        repositoriesRemoved = oldRepositories.filter { !newRepositories.contains($0) }
        (mcpServersAdded, mcpServersRemoved) = Self.addedAndRemoved(current?.mcpServers, next.mcpServers, Self.describe)
        (floorsAdded, floorsRemoved) = Self.addedAndRemoved(current?.floors, next.floors, Self.describe)
        mappingLines = Self.mappingLines(current, next)
        rolloutChanged = current?.rollout != next.rollout
        if rolloutChanged {
            rolloutChanges = ReadableFields.changes(
                ReadableFields.of(current?.rollout), ReadableFields.of(next.rollout))
        }
        (adjustmentsAdded, adjustmentsRemoved) = Self.addedAndRemoved(
            current?.adjustments, next.adjustments, ReadableFields.describe)
        (promotionsAdded, promotionsRemoved) = Self.addedAndRemoved(current?.promotions, next.promotions) {
            "\($0.group) → ring \($0.ring.number)"
        }
    }

    /// Ring mappings by group (case-insensitive) and role mappings, in words.
    static func mappingLines(_ current: PolicyBundle?, _ next: PolicyBundle) -> [String] {
        var lines: [String] = []
        let old = Dictionary(
            (current?.ringMappings ?? []).map { ($0.group.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        let new = Dictionary(
            next.ringMappings.map { ($0.group.lowercased(), $0) }, uniquingKeysWith: { first, _ in first })
        for key in Set(old.keys).union(new.keys).sorted() {
            switch (old[key], new[key]) {
            case (nil, let added?): lines.append("+ " + ReadableFields.describe(added))
            case (let removed?, nil): lines.append("- " + ReadableFields.describe(removed))
            case (let before?, let after?) where before != after:
                lines += ReadableFields.changes(
                    [("ring", "\(before.ring.number)"), ("priority", "\(before.priority)")],
                    [("ring", "\(after.ring.number)"), ("priority", "\(after.priority)")]
                ).map { "~ ring mapping \(after.group): \($0)" }
            default: break
            }
        }
        let (rolesAdded, rolesRemoved) = addedAndRemoved(current?.roleMappings, next.roleMappings) {
            "role mapping \($0.group) → \($0.role)"
        }
        lines += rolesAdded.map { "+ \($0)" } + rolesRemoved.map { "- \($0)" }
        return lines
    }

    /// Entries of `next` not in `current` and the reverse, each in words, sorted; for
    /// parts of a bundle whose order does not decide.
    static func addedAndRemoved<Entry>(_ current: [Entry]?, _ next: [Entry], _ describe: (Entry) -> String) -> (
        added: [String], removed: [String]
    ) {
        let old = Set((current ?? []).map(describe))
        let new = Set(next.map(describe))
        return (new.subtracting(old).sorted(), old.subtracting(new).sorted())
    }

    static func describe(_ floor: RiskFloor) -> String {
        "floors \(floor.risk.rawValue) ≥ \(floor.level.rawValue) from ring \(floor.fromRing.number), exceptions \(floor.exceptions.rawValue)"
    }

    static func describe(_ server: ApprovedMcpServer) -> String {
        "mcpServers \(server.name) (" + (server.url ?? (server.command ?? []).joined(separator: " ")) + ")"
    }

    static func describe(_ rule: RepositoryRule, at index: Int) -> String {
        var text = "repositories[\(index)] \(rule.match) → \(rule.trust.rawValue)"
        if !rule.managed && rule.trust != .unmanaged { text += ", unmanaged" }
        if let owner = rule.owner { text += ", owner \(owner)" }
        return text
    }

    /// Whether publishing would change anything.
    public var isEmpty: Bool {
        added.isEmpty && changed.isEmpty && removed.isEmpty && repointed.isEmpty && newPackVersions.isEmpty
            && returningPackVersions.isEmpty && removedPackVersions.isEmpty && !mappingsChanged
            && repositoriesAdded.isEmpty && repositoriesRemoved.isEmpty && mcpServersAdded.isEmpty
            && mcpServersRemoved.isEmpty && floorsAdded.isEmpty && floorsRemoved.isEmpty && !rolloutChanged
            && adjustmentsAdded.isEmpty
            && adjustmentsRemoved.isEmpty && promotionsAdded.isEmpty && promotionsRemoved.isEmpty
    }

    /// The diff as lines for people.
    public var lines: [String] {
        added.map { "+ assignment \($0)" }
            + changed.flatMap { id in
                let fields = changedFields[id] ?? []
                return fields.isEmpty ? ["~ assignment \(id)"] : fields.map { "~ assignment \(id): \($0)" }
            } + removed.map { "- assignment \($0)" }
            + repointed.map { "~ assignment \($0)" }
            + newPackVersions.map { "+ pack version \($0)" }
            + returningPackVersions.map { "+ pack version \($0) (published before; back in force)" }
            + removedPackVersions.map { "- pack version \($0)" }
            + (mappingsChanged && mappingLines.isEmpty ? ["~ ring/role mappings (order)"] : mappingLines)
            + repositoriesRemoved.map { "- \($0)" } + repositoriesAdded.map { "+ \($0)" }
            + mcpServersRemoved.map { "- \($0)" } + mcpServersAdded.map { "+ \($0)" }
            + floorsRemoved.map { "- \($0)" } + floorsAdded.map { "+ \($0)" }
            + (rolloutChanged
                ? (rolloutChanges.isEmpty ? ["~ rollout plan"] : rolloutChanges.map { "~ rollout plan: \($0)" }) : [])
            + adjustmentsRemoved.map { "- \($0)" } + adjustmentsAdded.map { "+ \($0)" }
            + promotionsRemoved.map { "- promotion \($0)" } + promotionsAdded.map { "+ promotion \($0)" }
    }
}
