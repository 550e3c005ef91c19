import Foundation

/// The fields of policy entities as people read them (`name`, `value` in words), and the
/// changes between two versions of one as `name: before → after` — what `ringfence
/// history`, `apply` and `rollback` print. Pure and deterministic (lists in their order,
/// overrides by surface, dates in ISO 8601).
public enum ReadableFields {
    /// `name: before → after` for every field that differs, in field order; a field on one
    /// side only shows `(none)` on the other.
    public static func changes(_ before: [(String, String)], _ after: [(String, String)]) -> [String] {
        let old = Dictionary(before, uniquingKeysWith: { first, _ in first })
        let new = Dictionary(after, uniquingKeysWith: { first, _ in first })
        var names = before.map(\.0)
        for (name, _) in after where old[name] == nil { names.append(name) }
        return names.compactMap { name in
            let (from, to) = (old[name], new[name])
            guard from != to else { return nil }
            return "\(name): \(from ?? "(none)") → \(to ?? "(none)")"
        }
    }

    /// An assignment's fields; empty selector parts and an empty description are left out.
    public static func of(_ assignment: Assignment) -> [(String, String)] {
        var fields: [(String, String)] = [("pack", assignment.pack ?? "(overrides only)")]
        if assignment.pack != nil {
            switch assignment.version {
            case .latest: fields.append(("version", "latest"))
            case .exact(let number): fields.append(("version", "\(number)"))
            }
        }
        fields.append(("priority", "\(assignment.priority)"))
        let selector = assignment.selector
        for (name, values) in [
            ("groups", selector.groups), ("roles", selector.roles),
            ("hostRings", selector.hostRings.map { "\($0.number)" }),
            ("hostTags", selector.hostTags), ("repos", selector.repos),
            ("repoTrust", selector.repoTrust.map(\.rawValue)),
            ("agents", selector.agents), ("surfaces", selector.surfaces.map(\.rawValue)),
            ("risks", selector.risks.map(\.rawValue)),
        ] where !values.isEmpty {
            fields.append(("selector.\(name)", "[" + values.joined(separator: ", ") + "]"))
        }
        for surface in assignment.overrides.keys.sorted() {
            fields.append(("overrides.\(surface.rawValue)", assignment.overrides[surface]?.rawValue ?? ""))
        }
        if let from = assignment.validFrom { fields.append(("validFrom", from.formatted(.iso8601))) }
        if let until = assignment.validUntil { fields.append(("validUntil", until.formatted(.iso8601))) }
        if !assignment.description.isEmpty { fields.append(("description", "\"\(assignment.description)\"")) }
        return fields
    }

    /// A rollout plan's fields: the plan's gates, the hold, each step.
    public static func of(_ plan: RolloutPlan?) -> [(String, String)] {
        guard let plan else { return [] }
        var fields = gates(plan.gates, prefix: "gates")
        if let hold = plan.hold {
            fields += [
                ("hold.watchHours", "\(hold.watchHours)"), ("hold.rise", "\(hold.rise)"),
                ("hold.minimumBlocks", "\(hold.minimumBlocks)"), ("hold.level", hold.level.rawValue),
            ]
        }
        for step in plan.steps {
            fields.append(
                (
                    "steps[\(step.name)]",
                    step.after.map { "after \($0.formatted(.iso8601))" } ?? "as soon as the gates hold"
                ))
            fields += gates(step.gates, prefix: "steps[\(step.name)].gates")
        }
        return fields
    }

    static func gates(_ thresholds: RolloutGates.Thresholds, prefix: String) -> [(String, String)] {
        let values: [(String, String?)] = [
            ("windowDays", thresholds.windowDays.map(String.init)),
            ("connectedMembers", thresholds.connectedMembers.map { "\($0)" }),
            ("hookedHosts", thresholds.hookedHosts.map { "\($0)" }),
            ("blockCandidatesPerPersonDay", thresholds.blockCandidatesPerPersonDay.map { "\($0)" }),
            ("ruleNoiseShare", thresholds.ruleNoiseShare.map { "\($0)" }),
            ("openExceptions", thresholds.openExceptions.map(String.init)),
        ]
        return values.compactMap { name, value in value.map { ("\(prefix).\(name)", $0) } }
    }

    /// An exception or hold in words.
    public static func describe(_ adjustment: RuleAdjustment) -> String {
        var text =
            "\(adjustment.kind.rawValue) \(adjustment.id): \(adjustment.pack)/\(adjustment.rule) at most \(adjustment.level.rawValue)"
        if let user = adjustment.user { text += " for \(user)" }
        if let repo = adjustment.repo { text += " in \(repo)" }
        if let group = adjustment.group { text += " for the members of \(group)" }
        if let until = adjustment.validUntil { text += " until \(until.formatted(.iso8601))" }
        text += " (by \(adjustment.actor)"
        if let request = adjustment.request { text += ", request \(request)" }
        return text + ")"
    }

    /// A ring mapping in words.
    public static func describe(_ mapping: RingMapping) -> String {
        "ring mapping \(mapping.group) → ring \(mapping.ring.number) (priority \(mapping.priority))"
    }
}
