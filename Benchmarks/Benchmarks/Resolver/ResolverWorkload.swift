import Foundation
import RingfenceCore

/// The resolver workload of issue 3: 2,000 assignments, 200 packs × 50 rules, 20,000
/// groups, users in about 40 groups. Deterministic (fixed seed), so runs compare.
///
/// Assignments mostly target groups (1-5 each); about 1 % select everyone (baselines),
/// 10 % target roles, some also narrow on repositories, trust, agents or surfaces, and
/// 10 % carry overrides.
///
/// - `typical`: 2 % of assignments target one of 10 org-wide groups ("engineering"), the
///   rest pick team groups uniformly from the 20,000; each user is in 2 org-wide groups and
///   38 team groups. About 30 assignments match a context.
/// - `skewed` (stress): half of every pick, users' and assignments', comes from 300 popular
///   groups, so about 110 assignments (≈ 4,500 effective rules) match a context.
struct ResolverWorkload {
    enum Shape: String { case typical, skewed }
    static let surfaces: [Surface] =
        Surface.wellKnown + ["prompt_injection", "network_egress", "package_install"].map { Surface(rawValue: $0)! }

    let bundle: PolicyBundle
    let contexts: [DecisionContext]

    init(
        _ shape: Shape, assignments assignmentCount: Int = 2_000, packs packCount: Int = 200, rulesPerPack: Int = 50,
        groups groupCount: Int = 20_000, groupsPerUser: Int = 40, users: Int = 1_000
    ) {
        var rng = SplitMix64(seed: 2026)
        let levels: [Level] = [.observe, .warn, .block]
        let packs = (0..<packCount).map { p in
            PackVersion(
                pack: "pack-\(p)", version: 1,
                rules: (0..<rulesPerPack).map { r in
                    Rule(
                        id: "R-\(r)", surface: Self.surfaces[rng.int(0...(Self.surfaces.count - 1))],
                        match: ["pattern-\(p)-\(r)/**", "cmd-\(r) *"], level: levels[rng.int(0...2)], risk: .medium,
                        description: "rule \(r) of pack \(p)")
                })
        }
        func group(_ rng: inout SplitMix64) -> String {
            switch shape {
            case .typical: "group-\(rng.int(10...(groupCount - 1)))"
            case .skewed: rng.chance(0.5) ? "group-\(rng.int(0...299))" : "group-\(rng.int(0...(groupCount - 1)))"
            }
        }
        func orgWideGroup(_ rng: inout SplitMix64) -> String { "group-\(rng.int(0...9))" }
        let roles = (0..<50).map { "role-\($0)" }
        let trusts = RepoTrust.allCases
        var assignments: [Assignment] = []
        for a in 0..<assignmentCount {
            var selector = Selector()
            let kind = rng.int(0...99)
            if kind < 1 {
                // Baseline: everyone.
            } else if kind < 11 {
                selector.roles = [roles[rng.int(0...49)]]
            } else if shape == .typical && kind < 13 {
                selector.groups = [orgWideGroup(&rng)]
            } else {
                selector.groups = (0..<rng.int(1...5)).map { _ in group(&rng) }
            }
            if rng.chance(0.2) { selector.repos = ["team-\(rng.int(0...99))/*", "shared/**"] }
            if rng.chance(0.15) { selector.repoTrust = [trusts[rng.int(0...3)]] }
            if rng.chance(0.05) { selector.agents = ["claude-code", "cursor"] }
            if rng.chance(0.1) { selector.surfaces = [Self.surfaces[rng.int(0...(Self.surfaces.count - 1))]] }
            var overrides: [Surface: Level] = [:]
            if rng.chance(0.1) {
                overrides[Self.surfaces[rng.int(0...(Self.surfaces.count - 1))]] =
                    [Level.off, .observe, .block][rng.int(0...2)]
            }
            assignments.append(
                Assignment(
                    id: "assignment-\(a)", pack: "pack-\(rng.int(0...(packCount - 1)))",
                    priority: rng.int(0...1_000), selector: selector, overrides: overrides))
        }
        let rings = (0..<300).map {
            RingMapping(group: "group-\($0)", ring: Ring(number: 1 + $0 % 4)!, priority: $0 % 7)
        }
        bundle = PolicyBundle(
            packs: packs, assignments: assignments, ringMappings: rings,
            roleMappings: (0..<100).map { RoleMapping(group: "group-\($0)", role: roles[$0 % 50]) })
        contexts = (0..<users).map { u in
            DecisionContext(
                user: "user-\(u)",
                groups: shape == .typical
                    ? [orgWideGroup(&rng), orgWideGroup(&rng)] + (2..<groupsPerUser).map { _ in group(&rng) }
                    : (0..<groupsPerUser).map { _ in group(&rng) },
                roles: [roles[rng.int(0...49)]], hostTags: ["laptop"],
                repo: "team-\(rng.int(0...99))/service-\(rng.int(0...9))", trust: trusts[rng.int(0...3)],
                agent: "claude-code", at: Date(timeIntervalSince1970: 1_795_000_000))
        }
    }
}

/// SplitMix64, for a reproducible workload.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func chance(_ p: Double) -> Bool { Double(next() % 10_000) < p * 10_000 }
}
