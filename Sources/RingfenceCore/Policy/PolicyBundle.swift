/// Everything that makes up one policy state: pack versions, assignments, mappings and
/// the repository catalog.
///
/// A bundle is what `ringfence apply -f DIR` reads from YAML and what a policy revision
/// stores. ``validate()`` checks the references between its parts; a
/// ``PolicySnapshot`` compiles a valid bundle for the resolver.
public struct PolicyBundle: Sendable, Hashable {
    /// Pack versions (several versions of one pack may be present).
    public var packs: [PackVersion]
    /// Assignments.
    public var assignments: [Assignment]
    /// Group → ring mappings.
    public var ringMappings: [RingMapping]
    /// Group → role mappings.
    public var roleMappings: [RoleMapping]
    /// Repository globs → trust, owner, managed (`repositories.yaml`), first match wins.
    public var repositories: [RepositoryRule]
    /// The approved MCP server catalogue (`mcpServers:`).
    public var mcpServers: [ApprovedMcpServer]
    /// Floors of the whole policy (`floors:`); packs may declare their own.
    public var floors: [RiskFloor]
    /// Approved exceptions and holds in force (published by Ringfence, not read from files).
    public var adjustments: [RuleAdjustment]
    /// The rollout plan (`rollout:`), nil when none.
    public var rollout: RolloutPlan?
    /// Groups the rollout service moved up (published by Ringfence, not read from files).
    public var promotions: [RingPromotion]

    /// Creates a bundle.
    public init(
        packs: [PackVersion] = [], assignments: [Assignment] = [], ringMappings: [RingMapping] = [],
        roleMappings: [RoleMapping] = [], repositories: [RepositoryRule] = [], mcpServers: [ApprovedMcpServer] = [],
        floors: [RiskFloor] = [], adjustments: [RuleAdjustment] = [], rollout: RolloutPlan? = nil,
        promotions: [RingPromotion] = []
    ) {
        self.rollout = rollout
        self.promotions = promotions
        self.mcpServers = mcpServers
        self.floors = floors
        self.adjustments = adjustments
        self.packs = packs
        self.assignments = assignments
        self.ringMappings = ringMappings
        self.roleMappings = roleMappings
        self.repositories = repositories
    }

    /// This bundle with the exceptions, holds and promotions of `current`: what publishing
    /// it writes, since publishes keep those (``PolicyDiff`` of `apply` and `rollback`).
    public func keepingAdjustments(of current: PolicyBundle?) -> PolicyBundle {
        var kept = self
        kept.adjustments = current?.adjustments ?? []
        kept.promotions = current?.promotions ?? []
        return kept
    }

    /// The ring mappings in force: the files' with the promotions laid over.
    public var effectiveRingMappings: [RingMapping] { RingPromotion.apply(promotions, to: ringMappings) }

    /// The version an assignment's reference resolves to, nil when absent.
    public func packVersion(named pack: String, _ reference: Assignment.PackVersionReference) -> PackVersion? {
        let versions = packs.filter { $0.pack == pack }
        switch reference {
        case .latest: return versions.max { $0.version < $1.version }
        case .exact(let number): return versions.first { $0.version == number }
        }
    }

    /// Checks references and uniqueness; returns every problem found (empty when valid).
    public func validate() -> [PolicyProblem] {
        var problems: [PolicyProblem] = []
        var seenPacks: Set<String> = []
        for pack in packs {
            let subject = PolicyProblem.Subject.pack(pack.pack, pack.version)
            if !seenPacks.insert("\(pack.pack)@\(pack.version)").inserted {
                problems.append(.init(subject, "pack \(pack.pack) version \(pack.version) is defined twice"))
            }
            var ruleIds: Set<String> = []
            for rule in pack.rules where !ruleIds.insert(rule.id).inserted {
                problems.append(
                    .init(subject, "pack \(pack.pack) version \(pack.version) has rule id \(rule.id) twice"))
            }
            for floor in pack.floors where floor.level == .off {
                problems.append(
                    .init(
                        subject, "pack \(pack.pack) version \(pack.version): a floor's level is observe, warn or block")
                )
            }
        }
        var assignmentIds: Set<String> = []
        for assignment in assignments {
            if !assignmentIds.insert(assignment.id).inserted {
                problems.append(.init(.assignment(assignment.id), "assignment id \(assignment.id) is used twice"))
            }
            if let pack = assignment.pack, packVersion(named: pack, assignment.version) == nil {
                let subject = PolicyProblem.Subject.assignmentPack(assignment.id)
                switch assignment.version {
                case .latest:
                    problems.append(.init(subject, "assignment \(assignment.id) names unknown pack '\(pack)'"))
                case .exact(let number):
                    problems.append(
                        .init(
                            subject,
                            "assignment \(assignment.id) names pack \(pack) version \(number), which does not exist"))
                }
            }
            if assignment.pack == nil && assignment.overrides.isEmpty {
                problems.append(
                    .init(.assignment(assignment.id), "assignment \(assignment.id) has neither a pack nor overrides"))
            }
            if let from = assignment.validFrom, let until = assignment.validUntil, from >= until {
                problems.append(
                    .init(
                        .assignment(assignment.id), "assignment \(assignment.id) has validFrom at or after validUntil"))
            }
        }
        for floor in floors where floor.level == .off {
            problems.append(
                .init(.floor(floor.risk), "the \(floor.risk.rawValue) floor's level is observe, warn or block"))
        }
        var adjustmentIds: Set<String> = []
        for adjustment in adjustments {
            if !adjustmentIds.insert(adjustment.id).inserted {
                problems.append(.init(.adjustment(adjustment.id), "\(adjustment.id) is used twice"))
            }
            problems += adjustment.problems.map { .init(.adjustment(adjustment.id), $0) }
        }
        problems += (rollout?.problems ?? []).map { .init(.rollout, $0) }
        var serverNames: Set<String> = []
        for server in mcpServers {
            if !serverNames.insert(server.name.lowercased()).inserted {
                problems.append(.init(.mcpServer(server.name), "MCP server \(server.name) is in mcpServers twice"))
            }
            if (server.command == nil) == (server.url == nil) || server.command?.isEmpty == true {
                problems.append(
                    .init(.mcpServer(server.name), "MCP server \(server.name) needs exactly one of command or url"))
            }
        }
        return problems
    }
}

/// One reason a bundle is invalid, and what it is about.
public struct PolicyProblem: Sendable, Hashable, CustomStringConvertible {
    /// The part of the bundle at fault.
    public enum Subject: Sendable, Hashable {
        case pack(String, Int)
        case assignment(String)
        case assignmentPack(String)
        case mcpServer(String)
        case floor(Rule.Risk)
        case adjustment(String)
        case rollout
    }

    /// What the problem is about.
    public var subject: Subject
    /// The problem in words.
    public var message: String

    init(_ subject: Subject, _ message: String) {
        self.subject = subject
        self.message = message
    }

    public var description: String { message }
}
