/// The answer of the resolver for one context: the ring, per surface the effective rules,
/// level and winning assignment, the full trace and the etag. See docs/resolution.md.
public struct Resolution: Sendable {
    /// The context that was resolved (normalized).
    public let context: DecisionContext
    /// Ring the context resolved into (rule 2).
    public let ring: Ring
    /// Where the ring came from.
    public let ringSource: RingSource
    /// What policy says about the context's repository (rule 0); nil outside a repository.
    public let repository: RepositoryFacts?
    /// Per-surface results, in surface name order.
    public let surfaces: [SurfaceResolution]
    /// Every assignment of the snapshot, in rank order (rule 10).
    public let trace: ResolutionTrace
    /// Content hash of the effective policy (rule 11).
    public let etag: String
    /// The revision resolved against.
    public var revision: Int64 { snapshot.revision }
    /// The approved MCP server catalogue of the snapshot (for `unapproved_mcp_server`).
    public var mcpServers: [ApprovedMcpServer] { snapshot.storage.bundle.mcpServers }
    let snapshot: PolicySnapshot

    /// The result for one surface; nil when the surface was not resolved.
    public func surface(_ surface: Surface) -> SurfaceResolution? {
        surfaces.first { $0.surface == surface }
    }
}

/// Where a resolution's ring came from.
public enum RingSource: Sendable, Hashable, CustomStringConvertible {
    /// The host's own ring.
    case hostOverride
    /// The winning ring mapping of this group.
    case group(String)
    /// No mapping applied: ring 1.
    case `default`

    public var description: String {
        switch self {
        case .hostOverride: "host override"
        case .group(let name): "group \(name)"
        case .default: "default"
        }
    }
}

/// The policy of one surface within a resolution.
public struct SurfaceResolution: Sendable {
    /// The surface.
    public let surface: Surface
    /// Strongest applied level (what agents enforce).
    public let level: Level
    /// Strongest level without the ring's cap.
    public let uncappedLevel: Level
    /// Id of the assignment that decided the surface (rule 8); nil when nothing speaks about it.
    public var winningAssignment: String? { winnerRank.map { storage.assignments[$0].source.id } }
    /// The floor that set the surface's level (rule 7a), when one did.
    public var decidingFloor: AppliedFloor? { floorIndex >= 0 ? storage.floors[Int(floorIndex)] : nil }

    let winnerRank: Int?
    let floorIndex: Int16
    let contributions: [Contribution]
    let surfaceIndex: Int?
    /// The context's exceptions and holds (rule 7b), indices into the bundle's adjustments.
    let adjustments: [Int32]
    let storage: PolicySnapshot.Storage

    /// Effective rules (uncapped level above `off`), ordered by pack then rule id.
    public var rules: [EffectiveRule] {
        guard let surfaceIndex else { return [] }
        var result: [EffectiveRule] = []
        var start = 0
        // A pack's contributions are adjacent, one per risk class it brings in.
        while start < contributions.count {
            var end = start + 1
            while end < contributions.count && contributions[end].packVersion == contributions[start].packVersion {
                end += 1
            }
            let pack = storage.packVersions[Int(contributions[start].packVersion)]
            for rule in pack.rulesBySurface[surfaceIndex] {
                guard
                    let contribution = contributions[start..<end].first(where: { Int($0.risk) == rule.risk.rank })
                else { continue }
                let levels = contribution.levels(
                    of: rule, pack: pack.pack, adjustments: contribution.adjusted ? adjustments : [], storage: storage,
                    floorAllowsExceptions: contribution.floorAllowsExceptions(storage))
                guard levels.uncapped > .off else { continue }
                let raised = contribution.floor > .off && levels.unfloored < contribution.floor
                result.append(
                    EffectiveRule(
                        pack: pack.pack, packVersion: pack.version, rule: rule,
                        assignment: storage.assignments[Int(contribution.rank)].source.id,
                        level: levels.applied, uncappedLevel: levels.uncapped,
                        floor: raised && levels.applied == contribution.floor
                            ? storage.floors[Int(contribution.floorSource)] : nil,
                        adjustment: levels.adjustment.map { storage.bundle.adjustments[Int($0)] }))
            }
            start = end
        }
        return result
    }
}

/// One rule as it applies in a resolution.
public struct EffectiveRule: Sendable, Hashable {
    /// Pack name.
    public let pack: String
    /// Pack version.
    public let packVersion: Int
    /// The rule as published.
    public let rule: Rule
    /// Assignment that brought it in.
    public let assignment: String
    /// Applied level, after overrides and the ring's cap.
    public let level: Level
    /// Level after overrides and floors, before the cap.
    public let uncappedLevel: Level
    /// The floor that raised the rule above what its overrides and the ring's cap gave.
    public let floor: AppliedFloor?
    /// The exception or hold that lowered it (rule 7b).
    public let adjustment: RuleAdjustment?
}

/// One pack's rules of one risk class acting on one surface, with the level transformation that applies.
struct Contribution: Sendable, Hashable {
    /// Rank of the assignment that brought the pack in.
    let rank: Int32
    /// Rank of the assignment that decided the rules' levels: the override's, else `rank`.
    let decidedBy: Int32
    /// Index of the pack version in the snapshot.
    let packVersion: Int32
    /// Pack name ordinal (canonical order).
    let packOrdinal: Int32
    /// The risk class of the rules (rank); a pack contributes once per class it brings in.
    let risk: UInt8
    /// Override level replacing the rules' own levels, if any.
    let override: Level?
    /// The ring's cap for these rules.
    let cap: Level
    /// The floor in force for these rules (`off` = none), its index in the snapshot's
    /// floors, and whether it set the strongest applied level.
    let floor: Level
    let floorSource: Int16
    var floorDecides: Bool
    /// Whether an exception or hold changed one of its rules (rule 7b).
    var adjusted: Bool
    /// Strongest uncapped and applied level among the rules.
    var uncappedMax: Level
    var appliedMax: Level
}
