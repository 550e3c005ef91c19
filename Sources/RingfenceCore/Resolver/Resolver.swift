extension PolicySnapshot {
    /// Resolves a context: which rules apply to each surface, at what level, and why.
    ///
    /// Pure and deterministic; implements docs/resolution.md rule by rule (the rule
    /// numbers appear in the comments below).
    public func resolve(_ context: DecisionContext) -> Resolution {
        let storage = self.storage
        let roles = effectiveRoles(context)                                   // rule 1
        let (ring, ringSource) = chooseRing(context)                          // rule 2

        // Surfaces to resolve: the asked ones (known or not), or all the snapshot knows.
        let requested: [Surface] = context.surfaces.isEmpty ? storage.surfaces : Array(Set(context.surfaces)).sorted()
        let requestedIndex: [Int?] = requested.map { storage.surfaceIndex[$0] }

        // Candidates from the inverted index: which assignments the groups and roles reach.
        let count = storage.assignments.count
        var groupHit = [Bool](repeating: false, count: count)
        var roleHit = [Bool](repeating: false, count: count)
        for group in context.groups { for rank in storage.groupIndex[group] ?? [] { groupHit[Int(rank)] = true } }
        for role in roles { for rank in storage.roleIndex[role] ?? [] { roleHit[Int(rank)] = true } }

        var state = SurfaceAccumulator(count: requested.count)
        var packApplied = [Int32](repeating: -1, count: storage.packCount)
        var trace: [TraceEntry] = []
        trace.reserveCapacity(count)
        let repoFolded = context.repo.map(Glob.fold)

        for assignment in storage.assignments {                               // rule 3: rank order
            let rank = assignment.rank
            if !assignment.groups.isEmpty && !groupHit[rank] {
                trace.append(TraceEntry(rank: rank, outcome: .notMatched(.groups)))
                continue
            }
            if !assignment.roles.isEmpty && !roleHit[rank] {
                trace.append(TraceEntry(rank: rank, outcome: .notMatched(.roles)))
                continue
            }
            if let from = assignment.validFrom, context.at < from {            // rule 9
                trace.append(TraceEntry(rank: rank, outcome: .notYetValid(from: from)))
                continue
            }
            if let until = assignment.validUntil, context.at >= until {
                trace.append(TraceEntry(rank: rank, outcome: .expired(until: until)))
                continue
            }
            if let field = firstMismatch(assignment, context: context, ring: ring, repo: repoFolded, requested: requestedIndex) {
                trace.append(TraceEntry(rank: rank, outcome: .notMatched(field)))   // rule 4
                continue
            }
            if let ordinal = assignment.packOrdinal {                          // rule 5
                let earlier = packApplied[Int(ordinal)]
                if earlier >= 0 {
                    trace.append(TraceEntry(rank: rank, outcome: .shadowed(byRank: Int(earlier))))
                    continue
                }
                packApplied[Int(ordinal)] = Int32(rank)
            }
            trace.append(TraceEntry(rank: rank, outcome: .matched))

            for (slot, surfaceIndex) in requestedIndex.enumerated() {         // rule 6
                guard let surfaceIndex, assignment.surfaceFilter?[surfaceIndex] ?? true else { continue }
                if state.override[slot] == nil, let level = assignment.overrideBySurface[surfaceIndex] {
                    state.override[slot] = level
                    state.overrideRank[slot] = rank
                    state.overrideTargeted[slot] = assignment.targeted
                }
                guard let packIndex = assignment.packVersion else { continue }
                let pack = storage.packVersions[Int(packIndex)]
                guard !pack.rulesBySurface[surfaceIndex].isEmpty else { continue }
                let override = state.override[slot]
                let targeted = assignment.targeted || (override != nil && state.overrideTargeted[slot])
                let cap = ring.cap(targeted: targeted)                         // rule 7
                let uncappedMax = override ?? pack.maxLevelBySurface[surfaceIndex]
                guard uncappedMax > .off else { continue }
                state.contributions[slot].append(Contribution(
                    rank: Int32(rank), decidedBy: Int32(override == nil ? rank : state.overrideRank[slot]), packVersion: packIndex, packOrdinal: Int32(pack.ordinal), override: override,
                    cap: cap, uncappedMax: uncappedMax, appliedMax: min(uncappedMax, cap)))
            }
        }

        let surfaces = requested.enumerated().map { slot, surface in           // rule 8
            state.result(slot: slot, surface: surface, surfaceIndex: requestedIndex[slot], storage: storage)
        }
        let etag = ResolutionDigest.etag(ring: ring, surfaces: surfaces, storage: storage)   // rule 11
        return Resolution(context: context, ring: ring, ringSource: ringSource, surfaces: surfaces, trace: trace,
                          etag: etag, snapshot: self)
    }

    /// Rule 1: directory roles plus the roles mapped from the context's groups.
    func effectiveRoles(_ context: DecisionContext) -> [String] {
        guard !storage.rolesByGroup.isEmpty else { return context.roles }
        var roles = Set(context.roles)
        for group in context.groups { roles.formUnion(storage.rolesByGroup[group] ?? []) }
        return roles.sorted()
    }

    /// Rule 2: host override, then the best group mapping, then ring 1.
    func chooseRing(_ context: DecisionContext) -> (Ring, RingSource) {
        if let ring = context.hostRing { return (ring, .hostOverride) }
        var best: RingMapping?
        var bestGroup = ""
        for group in context.groups {
            guard let mapping = storage.ringByGroup[group] else { continue }
            if let current = best, !Storage.ringMapping(mapping, beats: current) { continue }
            best = mapping
            bestGroup = mapping.group
        }
        if let best { return (best.ring, .group(bestGroup)) }
        return (.default, .default)
    }

    /// Rule 4, for the fields the inverted index did not already decide.
    private func firstMismatch(_ assignment: CompiledAssignment, context: DecisionContext, ring: Ring,
                               repo: [UInt8]?, requested: [Int?]) -> Selector.Field? {
        if assignment.ringMask != 0 && assignment.ringMask & UInt8(1 << ring.rawValue) == 0 { return .hostRings }
        if !assignment.hostTags.isEmpty && !context.hostTags.contains(where: assignment.hostTags.contains) { return .hostTags }
        if !assignment.repoGlobs.isEmpty {
            guard let repo, assignment.repoGlobs.contains(where: { $0.matches(folded: repo) }) else { return .repos }
        }
        if assignment.trustMask != 0 {
            guard let trust = context.trust, assignment.trustMask & CompiledAssignment.bit(trust) != 0 else { return .repoTrust }
        }
        if !assignment.agents.isEmpty && !assignment.agents.contains(context.agent) { return .agents }
        if let filter = assignment.surfaceFilter, !requested.contains(where: { $0.map { filter[$0] } ?? false }) { return .surfaces }
        return nil
    }
}

/// Per-surface state while walking the ranked assignments.
private struct SurfaceAccumulator {
    var override: [Level?]
    var overrideRank: [Int]
    var overrideTargeted: [Bool]
    var contributions: [[Contribution]]

    init(count: Int) {
        override = Array(repeating: nil, count: count)
        overrideRank = Array(repeating: -1, count: count)
        overrideTargeted = Array(repeating: false, count: count)
        contributions = Array(repeating: [], count: count)
    }

    /// Rule 8: level, uncapped level and winner of one surface.
    func result(slot: Int, surface: Surface, surfaceIndex: Int?, storage: PolicySnapshot.Storage) -> SurfaceResolution {
        let contributions = self.contributions[slot]
        var level = Level.off
        var uncapped = Level.off
        for contribution in contributions {
            level = max(level, contribution.appliedMax)
            uncapped = max(uncapped, contribution.uncappedMax)
        }
        // Among contributions reaching the applied level, the best uncapped level; among those,
        // the highest-ranked deciding assignment.
        var winner: Int? = nil
        var winnerUncapped = Level.off
        for contribution in contributions where contribution.appliedMax == level {
            let decidedBy = Int(contribution.decidedBy)
            if winner == nil || contribution.uncappedMax > winnerUncapped
                || (contribution.uncappedMax == winnerUncapped && decidedBy < winner!) {
                winner = decidedBy
                winnerUncapped = contribution.uncappedMax
            }
        }
        if winner == nil, overrideRank[slot] >= 0 { winner = overrideRank[slot] }
        let ordered = contributions.sorted { $0.packOrdinal < $1.packOrdinal }
        return SurfaceResolution(surface: surface, level: level, uncappedLevel: uncapped, winnerRank: winner,
                                 contributions: ordered, surfaceIndex: surfaceIndex, storage: storage)
    }
}
