import RingfenceCore

extension SurfaceResolution {
    /// The wire form of one surface's policy: level, winner and every effective rule.
    public var proto: Ringfence_V1_SurfacePolicy {
        var message = Ringfence_V1_SurfacePolicy()
        message.surface = surface.rawValue
        message.level = level.proto
        message.uncappedLevel = uncappedLevel.proto
        message.winningAssignment = winningAssignment ?? ""
        message.rules = rules.map(\.proto)
        return message
    }
}

extension EffectiveRule {
    /// The wire form of one effective rule.
    public var proto: Ringfence_V1_PolicyRule {
        var message = Ringfence_V1_PolicyRule()
        message.pack = pack
        message.packVersion = Int32(packVersion)
        message.ruleID = rule.id
        message.surface = rule.surface.rawValue
        message.match = rule.match
        message.level = level.proto
        message.uncappedLevel = uncappedLevel.proto
        message.risk = rule.risk.rawValue
        message.description_p = rule.description
        message.assignment = assignment
        return message
    }
}

extension TraceLine {
    /// The wire form of one trace entry.
    public var proto: Ringfence_V1_TraceEntry {
        var message = Ringfence_V1_TraceEntry()
        message.assignment = assignment
        message.priority = Int32(priority)
        message.pack = pack
        message.packVersion = Int32(packVersion)
        message.outcome =
            switch outcome {
            case "matched": .matched
            case "not-matched": .notMatched
            case "not-valid": .notValid
            case "shadowed": .shadowed
            default: .unspecified
            }
        message.reason = reason
        message.winningSurfaces = wonSurfaces
        return message
    }
}
