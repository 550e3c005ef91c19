import Foundation
import RingfenceTestSupport

@testable import RingfenceCore

/// Random policies and contexts for property tests, built from `Choices` that
/// swift-property-based draws and shrinks (so a failure shrinks to a simpler policy and
/// names the choices that reproduce it).
struct RandomPolicy {
    var rng: Choices

    init(_ choices: Choices) { rng = choices }

    static let surfaces: [Surface] = [.riskyShell, .sensitivePathRead, .mcpTool, .credentialExfiltration]
    static let groups = (0..<8).map { "g\($0)" }
    static let roles = ["dev", "lead", "admin"]
    static let tags = ["laptop", "ci", "vdi"]
    static let agents = ["claude-code", "cursor", "copilot"]
    static let repos = ["pay/api", "pay/web", "core/lib", "sandbox/tmp"]
    static let globs = ["pay/*", "**", "core/lib", "*/tmp", "x/*"]
    static let levels: [Level] = [.observe, .warn, .block]
    static let base = Date(timeIntervalSince1970: 1_790_000_000)

    /// A policy; `ringSelectors: false` leaves `hostRings` out of every selector, `floors:
    /// false` leaves out floors (the policy's and the packs').
    mutating func bundle(ringSelectors: Bool = true, floors: Bool = true) -> PolicyBundle {
        var packs: [PackVersion] = []
        for p in 0..<rng.int(1...5) {
            for version in 1...rng.int(1...2) {
                let rules = (0..<rng.int(1...6)).map { r in
                    Rule(
                        id: "R\(r)", surface: pick(Self.surfaces), match: ["pattern-\(p)-\(r)"],
                        level: pick(Self.levels), risk: pick(Rule.Risk.allCases))
                }
                let packFloors = floors && rng.chance(0.2) ? [floor()] : []
                packs.append(PackVersion(pack: "pack\(p)", version: version, rules: rules, floors: packFloors))
            }
        }
        var assignments: [Assignment] = []
        for a in 0..<rng.int(1...14) {
            var pack: PackVersion? = rng.chance(0.8) ? pick(packs) : nil
            var overrides: [Surface: Level] = [:]
            for _ in 0..<rng.int(0...2) { overrides[pick(Self.surfaces)] = pick([Level.off] + Self.levels) }
            if pack == nil && overrides.isEmpty { pack = pick(packs) }
            let version: Assignment.PackVersionReference = rng.chance(0.5) ? .latest : .exact(pack?.version ?? 1)
            var selector = Selector()
            if rng.chance(0.4) { selector.groups = some(Self.groups) }
            if rng.chance(0.2) { selector.roles = some(Self.roles) }
            if ringSelectors && rng.chance(0.2) { selector.hostRings = some(Ring.allCases) }
            if rng.chance(0.15) { selector.hostTags = some(Self.tags) }
            if rng.chance(0.25) { selector.repos = some(Self.globs) }
            if rng.chance(0.25) { selector.repoTrust = some(RepoTrust.allCases) }
            if rng.chance(0.15) { selector.agents = some(Self.agents) }
            if rng.chance(0.2) { selector.surfaces = some(Self.surfaces) }
            if rng.chance(0.2) { selector.risks = some(Rule.Risk.allCases) }
            var from: Date? = nil
            var until: Date? = nil
            if rng.chance(0.15) { from = Self.base.addingTimeInterval(Double(rng.int(-3...3)) * 86_400) }
            if rng.chance(0.15) { until = (from ?? Self.base).addingTimeInterval(Double(rng.int(1...4)) * 86_400) }
            assignments.append(
                Assignment(
                    id: "a\(a)", pack: pack?.pack, version: pack == nil ? .latest : version, priority: rng.int(0...5),
                    selector: selector, overrides: overrides, validFrom: from, validUntil: until))
        }
        let rings = (0..<rng.int(0...3)).map { _ in
            RingMapping(group: pick(Self.groups), ring: pick(Ring.allCases), priority: rng.int(0...3))
        }
        let roles = (0..<rng.int(0...2)).map { _ in RoleMapping(group: pick(Self.groups), role: pick(Self.roles)) }
        let policyFloors = floors ? (0..<rng.int(0...2)).map { _ in floor() } : []
        return PolicyBundle(
            packs: packs, assignments: assignments, ringMappings: rings, roleMappings: roles, floors: policyFloors)
    }

    mutating func floor() -> RiskFloor {
        RiskFloor(risk: pick(Rule.Risk.allCases), level: pick(Self.levels), fromRing: pick(Ring.allCases))
    }

    /// The strongest floor for rules of a risk class of a pack in a ring (`off` = none).
    static func floor(_ bundle: PolicyBundle, pack: String, version: Int, risk: Rule.Risk, ring: Ring) -> Level {
        let packFloors = bundle.packs.first { $0.pack == pack && $0.version == version }?.floors ?? []
        return (bundle.floors + packFloors).filter { $0.risk == risk && $0.applies(in: ring) }.map(\.level).max()
            ?? .off
    }

    mutating func context(ring: Ring? = nil) -> DecisionContext {
        DecisionContext(
            user: "u", groups: some(Self.groups), roles: rng.chance(0.5) ? some(Self.roles) : [],
            hostRing: ring ?? (rng.chance(0.5) ? pick(Ring.allCases) : nil),
            hostTags: rng.chance(0.5) ? some(Self.tags) : [],
            repo: rng.chance(0.8) ? pick(Self.repos) : nil, trust: rng.chance(0.8) ? pick(RepoTrust.allCases) : nil,
            agent: pick(Self.agents), at: Self.base.addingTimeInterval(Double(rng.int(-5...5)) * 86_400))
    }

    mutating func pick<T>(_ values: [T]) -> T { rng.pick(values) }

    mutating func some<T>(_ values: [T]) -> [T] {
        let chosen = values.filter { _ in rng.chance(0.4) }
        return chosen.isEmpty ? [pick(values)] : chosen
    }

    mutating func shuffled<T>(_ values: [T]) -> [T] {
        var values = values
        for index in values.indices.reversed() where index > 0 { values.swapAt(index, rng.int(0...index)) }
        return values
    }
}
