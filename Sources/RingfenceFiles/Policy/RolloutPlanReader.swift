import RingfenceCore

/// Reads the `rollout:` section of the policy files (docs/operations.md): gates, the hold
/// after a promotion and the steps, each problem reported with file, line and path.
enum RolloutPlanReader {
    static let gateKeys = [
        "windowDays", "connectedMembers", "hookedHosts", "blockCandidatesPerPersonDay", "ruleNoiseShare",
        "openExceptions",
    ]

    static func read(_ value: YAMLValue) -> RolloutPlan? {
        guard let fields = value.mapping(allowed: ["gates", "hold", "steps"]) else { return nil }
        var plan = RolloutPlan()
        if let gates = fields["gates"] { plan.gates = readGates(gates) ?? .init() }
        if let hold = fields["hold"] { plan.hold = readHold(hold) }
        for entry in fields["steps"]?.list() ?? [] {
            if let step = readStep(entry) { plan.steps.append(step) }
        }
        return plan
    }

    static func readGates(_ value: YAMLValue) -> RolloutGates.Thresholds? {
        guard let fields = value.mapping(allowed: gateKeys) else { return nil }
        return RolloutGates.Thresholds(
            windowDays: fields["windowDays"]?.int(in: 1...90),
            connectedMembers: fields["connectedMembers"]?.double(in: 0...1),
            hookedHosts: fields["hookedHosts"]?.double(in: 0...1),
            blockCandidatesPerPersonDay: fields["blockCandidatesPerPersonDay"]?.double(in: 0...1_000_000),
            ruleNoiseShare: fields["ruleNoiseShare"]?.double(in: 0...1),
            openExceptions: fields["openExceptions"]?.int(in: 0...1_000_000))
    }

    static func readHold(_ value: YAMLValue) -> RolloutPlan.HoldPolicy? {
        guard let fields = value.mapping(allowed: ["watchHours", "rise", "minimumBlocks", "level"]) else { return nil }
        var hold = RolloutPlan.HoldPolicy()
        if let hours = fields["watchHours"]?.int(in: 1...24 * 90) { hold.watchHours = hours }
        if let rise = fields["rise"]?.double(in: 1...1_000) { hold.rise = rise }
        if let minimum = fields["minimumBlocks"]?.int(in: 1...1_000_000) { hold.minimumBlocks = minimum }
        if let node = fields["level"], let level = node.level() {
            guard level == .observe || level == .warn else {
                node.fail("a hold keeps a rule at observe or warn")
                return nil
            }
            hold.level = level
        }
        return hold
    }

    static func readStep(_ value: YAMLValue) -> RolloutPlan.Step? {
        guard let fields = value.mapping(allowed: ["group", "ring", "after", "gates"]) else { return nil }
        guard let groupNode = fields["group"] else {
            value.fail("missing required key 'group'")
            return nil
        }
        guard let ringNode = fields["ring"] else {
            value.fail("missing required key 'ring'")
            return nil
        }
        guard let group = groupNode.nonEmptyString(), let ring = ringNode.ring() else { return nil }
        if ring == .inventory {
            ringNode.fail("a step moves a group up, to ring 2, 3 or 4")
            return nil
        }
        var step = RolloutPlan.Step(group: group, ring: ring)
        if let after = fields["after"] {
            guard let date = after.date() else { return nil }
            step.after = date
        }
        if let gates = fields["gates"] {
            guard let thresholds = readGates(gates) else { return nil }
            step.gates = thresholds
        }
        return step
    }
}
