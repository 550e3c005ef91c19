extension PolicySnapshot {
    /// Resolves a context: which rules apply to each surface, at what level, and why.
    ///
    /// Pure and deterministic; implements docs/resolution.md rule by rule (the rule
    /// numbers appear in the comments below).
    public func resolve(_ context: DecisionContext) -> Resolution {
        let storage = self.storage
        // Rule 0: the repository's trust and managed flag come from repositories.yaml.
        var context = context
        let repository = context.repo.map { storage.repositories.classify($0, stated: context.trust) }
        context.trust = repository?.trust ?? context.trust
        let facts = context.groups.compactMap { storage.groups[$0] }  // one lookup per group
        let roles = effectiveRoles(context, facts: facts)  // rule 1
        let adjustments = adjustments(for: context)  // rule 7b
        let (ring, ringSource) = chooseRing(context, facts: facts)  // rule 2

        // Surfaces to resolve: the asked ones (known or not), or all the snapshot knows.
        let requested: [Surface] = context.surfaces.isEmpty ? storage.surfaces : Array(Set(context.surfaces)).sorted()
        let requestedIndex: [Int?] = requested.map { storage.surfaceIndex[$0] }

        // Candidates from the inverted index: which assignments the groups and roles reach.
        let count = storage.assignments.count
        var groupHit = [Bool](repeating: false, count: count)
        var roleHit = [Bool](repeating: false, count: count)
        for group in facts { for rank in group.assignments { groupHit[Int(rank)] = true } }
        for role in roles { for rank in storage.roleIndex[role] ?? [] { roleHit[Int(rank)] = true } }

        // Candidates: ranks reached through a group or a role, and those selecting neither.
        var candidates: [Int32] = storage.unconstrained
        for group in facts { candidates.append(contentsOf: group.assignments) }
        for role in roles { candidates.append(contentsOf: storage.roleIndex[role] ?? []) }
        candidates.sort()

        var state = SurfaceAccumulator(count: requested.count)
        var packApplied = [Int32](repeating: -1, count: storage.packCount)
        var evaluated: [(rank: Int32, outcome: TraceEntry.Outcome)] = []
        evaluated.reserveCapacity(candidates.count)
        let repoFolded = context.repo.map(Glob.fold)

        let surfaceCount = storage.surfaces.count
        var previous: Int32 = -1
        for candidate in candidates where candidate != previous {  // rule 3: rank order
            previous = candidate
            let rank = Int(candidate)
            let gate = storage.gate[rank]
            // Selecting both groups and roles needs both to match; the other ranks' entries are implied.
            if (gate & 1 != 0 && !groupHit[rank]) || (gate & 2 != 0 && !roleHit[rank]) { continue }
            let assignment = storage.assignments[rank]
            if let from = assignment.validFrom, context.at < from {  // rule 9
                evaluated.append((candidate, .notYetValid(from: from)))
                continue
            }
            if let until = assignment.validUntil, context.at >= until {
                evaluated.append((candidate, .expired(until: until)))
                continue
            }
            if let field = firstMismatch(
                assignment, context: context, ring: ring, repo: repoFolded, requested: requestedIndex)
            {
                evaluated.append((candidate, .notMatched(field)))  // rule 4
                continue
            }
            if let ordinal = assignment.packOrdinal {  // rule 5
                let earlier = packApplied[Int(ordinal)]
                if earlier >= 0 {
                    evaluated.append((candidate, .shadowed(byRank: Int(earlier))))
                    continue
                }
                packApplied[Int(ordinal)] = Int32(rank)
            }
            evaluated.append((candidate, .matched))

            for (slot, surfaceIndex) in requestedIndex.enumerated() {  // rule 6
                guard let surfaceIndex, assignment.surfaceFilter?[surfaceIndex] ?? true else { continue }
                if let level = assignment.overrideBySurface[surfaceIndex] {
                    for risk in 0..<4 where assignment.riskMask & (1 << risk) != 0 {
                        if state.overrides[slot * 4 + risk].level == nil {
                            state.overrides[slot * 4 + risk] = (level, rank, assignment.targeted)
                        }
                    }
                }
                guard let packIndex = assignment.packVersion else { continue }
                let slice = Int(packIndex) * surfaceCount + surfaceIndex
                let risks = storage.packSurfaceRisks[slice] & assignment.riskMask
                guard risks != 0 else { continue }  // no rule of its risk classes on this surface
                for risk in 0..<4 where risks & (1 << risk) != 0 {
                    let (override, overrideRank, overrideTargeted) = state.overrides[slot * 4 + risk]
                    let targeted = assignment.targeted || (override != nil && overrideTargeted)
                    let cap = ring.cap(targeted: targeted)  // rule 7
                    let floorSlot = Int(packIndex) * 16 + (ring.number - 1) * 4 + risk
                    let floor = storage.floorLevel[floorSlot]  // rule 7a
                    let overridden = override ?? storage.packSurfaceRiskMax[slice * 4 + risk]
                    let uncappedMax = max(overridden, floor)
                    guard uncappedMax > .off else { continue }
                    let appliedMax = max(min(uncappedMax, cap), floor)
                    var contribution = Contribution(
                        rank: Int32(rank), decidedBy: Int32(override == nil ? rank : overrideRank),
                        packVersion: packIndex, packOrdinal: storage.packOrdinal[Int(packIndex)],
                        risk: UInt8(risk), override: override, cap: cap, floor: floor,
                        floorSource: storage.floorSource[floorSlot],
                        floorDecides: floor > .off && appliedMax == floor && min(overridden, cap) < floor,
                        adjusted: false, uncappedMax: uncappedMax, appliedMax: appliedMax)
                    if !adjustments.isEmpty {
                        guard contribution.adjust(adjustments, surfaceIndex: surfaceIndex, storage: storage) else {
                            continue
                        }
                    }
                    state.contributions[slot].append(contribution)
                }
            }
        }

        var surfaces: [SurfaceResolution] = []  // rule 8
        surfaces.reserveCapacity(requested.count)
        for (slot, surface) in requested.enumerated() {
            surfaces.append(
                state.takeResult(
                    slot: slot, surface: surface, surfaceIndex: requestedIndex[slot], adjustments: adjustments,
                    storage: storage))
        }
        let etag = ResolutionDigest.etag(
            ring: ring, repository: repository, surfaces: surfaces, storage: storage)  // rule 11
        let trace = ResolutionTrace(evaluated: evaluated, groupHit: groupHit, roleHit: roleHit, gate: storage.gate)
        return Resolution(
            context: context, ring: ring, ringSource: ringSource, repository: repository, surfaces: surfaces,
            trace: trace, etag: etag, snapshot: self)
    }

    /// Rule 1: directory roles plus the roles mapped from the context's groups.
    func effectiveRoles(_ context: DecisionContext) -> [String] {
        effectiveRoles(context, facts: context.groups.compactMap { storage.groups[$0] })
    }

    private func effectiveRoles(_ context: DecisionContext, facts: [GroupFacts]) -> [String] {
        guard storage.hasRoleMappings else { return context.roles }
        var roles = Set(context.roles)
        for group in facts { roles.formUnion(group.roles) }
        return roles.sorted()
    }

    /// Rule 2: host override, then the best group mapping, then ring 1.
    private func chooseRing(_ context: DecisionContext, facts: [GroupFacts]) -> (Ring, RingSource) {
        if let ring = context.hostRing { return (ring, .hostOverride) }
        var best: RingMapping?
        for group in facts {
            guard let mapping = group.ring else { continue }
            if let current = best, !Storage.ringMapping(mapping, beats: current) { continue }
            best = mapping
        }
        if let best { return (best.ring, .group(best.group)) }
        return (.default, .default)
    }

    /// Rule 4, for the fields the inverted index did not already decide.
    private func firstMismatch(
        _ assignment: CompiledAssignment, context: DecisionContext, ring: Ring,
        repo: [UInt8]?, requested: [Int?]
    ) -> Selector.Field? {
        if assignment.ringMask != 0 && assignment.ringMask & UInt8(1 << ring.rawValue) == 0 { return .hostRings }
        if !assignment.hostTags.isEmpty && !context.hostTags.contains(where: assignment.hostTags.contains) {
            return .hostTags
        }
        if !assignment.repoGlobs.isEmpty {
            guard let repo, assignment.repoGlobs.contains(where: { $0.matches(folded: repo) }) else { return .repos }
        }
        if assignment.trustMask != 0 {
            guard let trust = context.trust, assignment.trustMask & CompiledAssignment.bit(trust) != 0 else {
                return .repoTrust
            }
        }
        if !assignment.agents.isEmpty && !assignment.agents.contains(context.agent) { return .agents }
        if let filter = assignment.surfaceFilter, !requested.contains(where: { $0.map { filter[$0] } ?? false }) {
            return .surfaces
        }
        return nil
    }
}

/// Per-surface state while walking the ranked assignments.
private struct SurfaceAccumulator {
    /// Per surface and risk class (slot × 4 + risk rank): the override level in force, the
    /// rank that set it, and whether that assignment is targeted.
    var overrides: [(level: Level?, rank: Int, targeted: Bool)]
    var contributions: [[Contribution]]

    init(count: Int) {
        overrides = Array(repeating: (nil, -1, false), count: count * 4)
        contributions = (0..<count).map { _ in
            var list: [Contribution] = []
            list.reserveCapacity(32)
            return list
        }
    }

    /// Rule 8: level, uncapped level and winner of one surface. Moves the surface's
    /// contributions out of the accumulator, so they are sorted in place without a copy.
    mutating func takeResult(
        slot: Int, surface: Surface, surfaceIndex: Int?, adjustments: [Int32], storage: PolicySnapshot.Storage
    ) -> SurfaceResolution {
        var ordered: [Contribution] = []
        swap(&ordered, &contributions[slot])
        var level = Level.off
        var uncapped = Level.off
        for contribution in ordered {
            level = max(level, contribution.appliedMax)
            uncapped = max(uncapped, contribution.uncappedMax)
        }
        // Among contributions reaching the applied level, the best uncapped level; among those,
        // the highest-ranked deciding assignment.
        // A floor decides only when no contribution reaches the level without one (rule 7a).
        var winner: Int? = nil
        var winnerUncapped = Level.off
        var floor: Int16 = -1
        var winnerByFloor = true
        for contribution in ordered where contribution.appliedMax == level {
            let decidedBy = Int(contribution.decidedBy)
            let byFloor = contribution.floorDecides
            if winner == nil || (winnerByFloor && !byFloor)
                || (winnerByFloor == byFloor
                    && (contribution.uncappedMax > winnerUncapped
                        || (contribution.uncappedMax == winnerUncapped && decidedBy < winner!)))
            {
                winner = decidedBy
                winnerUncapped = contribution.uncappedMax
                winnerByFloor = byFloor
                floor = byFloor ? contribution.floorSource : -1
            }
        }
        if winner == nil {
            // Overrides removed every rule: the highest-ranked override decided.
            let ranks = overrides[(slot * 4)..<(slot * 4 + 4)].map(\.rank).filter { $0 >= 0 }
            winner = ranks.min()
        }
        // Canonical order (pack name). The lists are short, so an in-place insertion sort
        // beats the general sort, which showed up as half of `resolve` in profiles.
        if ordered.count > 1 {
            for index in 1..<ordered.count {
                let item = ordered[index]
                var position = index
                while position > 0 && ordered[position - 1].packOrdinal > item.packOrdinal {
                    ordered[position] = ordered[position - 1]
                    position -= 1
                }
                ordered[position] = item
            }
        }
        return SurfaceResolution(
            surface: surface, level: level, uncappedLevel: uncapped, winnerRank: winner, floorIndex: floor,
            contributions: ordered, surfaceIndex: surfaceIndex, adjustments: adjustments, storage: storage)
    }
}
