/// An audit event's decision replayed: the policy its agent held rebuilt from the revision
/// and the directory of that moment (a ``Resolution``), compared with what the event
/// recorded. Pure; `ringfence events explain` builds the resolutions.
///
/// A decision is reproduced when the replayed policy has the etag the event carries (the
/// agent held exactly that policy) and the rule the event names is in it, on the event's
/// surface, at the levels the event recorded. The action itself (the command, the path)
/// is not stored, only its redacted summary, so which rule matched is taken from the event.
public struct DecisionReplay: Sendable {
    /// What the replay found.
    public enum Outcome: Sendable, Hashable {
        /// Same policy, same rule at the same levels.
        case reproduced
        /// The agent had no usable policy (its fail mode decided): nothing to replay.
        case withoutPolicy
        /// The replay differs from the event; each difference in words.
        case differs([String])
    }

    public let outcome: Outcome
    /// The event's rule as the replayed policy has it; nil when the event names no rule or
    /// the policy does not have it.
    public let rule: EffectiveRule?

    /// Compares `event` with the policy `replayed` rebuilt for it.
    public init(event: AuditEventRecord, replayed: Resolution) {
        rule = Self.rule(of: event, in: replayed)
        guard !event.policyETag.isEmpty else {
            outcome = .withoutPolicy
            return
        }
        var differences: [String] = []
        if replayed.etag != event.policyETag {
            differences.append("the replayed policy has etag \(replayed.etag), the agent held \(event.policyETag)")
        }
        if !event.ruleID.isEmpty {
            if let rule {
                let applied = AuditEventRecord.recordedLevel(rule.level, verdict: event.verdict)
                if applied != event.appliedLevel || rule.uncappedLevel != event.uncappedLevel {
                    differences.append(
                        "\(event.pack)/\(event.ruleID) replays at \(applied.rawValue) (uncapped \(rule.uncappedLevel.rawValue)); the event recorded \(event.appliedLevel.rawValue) (uncapped \(event.uncappedLevel.rawValue))"
                    )
                }
            } else {
                differences.append(
                    "the replayed policy has no rule \(event.pack)/\(event.ruleID) on \(event.surface.rawValue)")
            }
        }
        outcome = differences.isEmpty ? .reproduced : .differs(differences)
    }

    /// How today's policy would treat the event's rule (or, for an event with no rule, its
    /// surface) differently from the replayed one; nil when it would not.
    public static func change(event: AuditEventRecord, replayed: Resolution, today: Resolution) -> String? {
        if event.ruleID.isEmpty {
            let then = replayed.surface(event.surface)?.level ?? .off
            let now = today.surface(event.surface)?.level ?? .off
            return then == now ? nil : "\(event.surface.rawValue) is at \(now.rawValue) today (\(then.rawValue) then)"
        }
        let name = "\(event.pack)/\(event.ruleID)"
        let then = rule(of: event, in: replayed)
        guard let now = rule(of: event, in: today) else {
            return then == nil ? nil : "\(name) no longer applies on \(event.surface.rawValue)"
        }
        guard let then else { return "\(name) applies today at \(now.level.rawValue)" }
        guard then.level != now.level || then.uncappedLevel != now.uncappedLevel else { return nil }
        return
            "\(name) is at \(now.level.rawValue) (uncapped \(now.uncappedLevel.rawValue)) today; \(then.level.rawValue) (uncapped \(then.uncappedLevel.rawValue)) then"
    }

    /// The event's rule on its surface in `resolution`.
    static func rule(of event: AuditEventRecord, in resolution: Resolution) -> EffectiveRule? {
        guard !event.ruleID.isEmpty else { return nil }
        return resolution.surface(event.surface)?.rules.first { $0.pack == event.pack && $0.rule.id == event.ruleID }
    }
}
