import Foundation

extension PolicySnapshot {
    /// Rule 7b: the exceptions and holds in force for a context — exceptions of its user
    /// for its repository, holds of its groups — as indices into the bundle's adjustments.
    func adjustments(for context: DecisionContext) -> [Int32] {
        let storage = self.storage
        guard !storage.bundle.adjustments.isEmpty else { return [] }
        var result: [Int32] = []
        let repo = context.repo.map(Glob.fold)
        for index in storage.adjustmentsByUser[DecisionContext.normalize(context.user)] ?? [] {
            let adjustment = storage.bundle.adjustments[Int(index)]
            guard adjustment.isValid(at: context.at), let repo, adjustment.repo.map(Glob.fold) == repo else { continue }
            result.append(index)
        }
        for group in context.groups {
            for index in storage.adjustmentsByGroup[group] ?? [] where !result.contains(index) {
                if storage.bundle.adjustments[Int(index)].isValid(at: context.at) { result.append(index) }
            }
        }
        return result.sorted()
    }
}

/// The levels of one rule in a resolution (rules 6, 7, 7a and 7b).
struct RuleLevels {
    /// After overrides, floors and adjustments, before the cap.
    var uncapped: Level
    /// What the agent applies.
    var applied: Level
    /// What would apply without the floor.
    var unfloored: Level
    /// The adjustment that lowered it, if any (index into the bundle's adjustments).
    var adjustment: Int32?
}

extension Contribution {
    /// The levels of one of the contribution's rules, with the adjustments in force.
    ///
    /// - Parameters:
    ///   - adjustments: the context's adjustments (``PolicySnapshot/adjustments(for:)``).
    ///   - floorAllowsExceptions: whether the floor in force lets an exception go below it.
    func levels(
        of rule: Rule, pack: String, adjustments: [Int32], storage: PolicySnapshot.Storage, floorAllowsExceptions: Bool
    ) -> RuleLevels {
        var overridden = override ?? rule.level
        var chosen: Int32?
        var bound = floor
        for index in adjustments {
            let adjustment = storage.bundle.adjustments[Int(index)]
            guard adjustment.pack == pack, adjustment.rule == rule.id, adjustment.level < overridden else { continue }
            overridden = adjustment.level
            chosen = index
            if adjustment.kind == .exception && floorAllowsExceptions { bound = .off }
        }
        let uncapped = max(overridden, bound)
        let unfloored = min(overridden, cap)
        return RuleLevels(
            uncapped: uncapped, applied: max(min(uncapped, cap), bound), unfloored: unfloored, adjustment: chosen)
    }
}

extension Contribution {
    /// Applies the context's adjustments to the contribution's rules: recomputes its
    /// strongest levels when one of them names a rule it brings in. Returns false when no
    /// rule is left in effect.
    mutating func adjust(_ adjustments: [Int32], surfaceIndex: Int, storage: PolicySnapshot.Storage) -> Bool {
        let pack = storage.packVersions[Int(packVersion)]
        guard adjustments.contains(where: { storage.bundle.adjustments[Int($0)].pack == pack.pack }) else {
            return true
        }
        let allows = floorAllowsExceptions(storage)
        var uncapped = Level.off
        var applied = Level.off
        var unfloored = Level.off
        for rule in pack.rulesBySurface[surfaceIndex] where rule.risk.rank == Int(risk) {
            let levels = self.levels(
                of: rule, pack: pack.pack, adjustments: adjustments, storage: storage, floorAllowsExceptions: allows)
            adjusted = adjusted || levels.adjustment != nil
            guard levels.uncapped > .off else { continue }
            uncapped = max(uncapped, levels.uncapped)
            applied = max(applied, levels.applied)
            unfloored = max(unfloored, levels.unfloored)
        }
        uncappedMax = uncapped
        appliedMax = applied
        floorDecides = floor > .off && applied == floor && unfloored < floor
        return uncapped > .off
    }

    /// Whether the floor in force for the contribution lets an approved exception below it.
    func floorAllowsExceptions(_ storage: PolicySnapshot.Storage) -> Bool {
        floorSource < 0 || storage.floors[Int(floorSource)].floor.exceptions == .allowed
    }
}
