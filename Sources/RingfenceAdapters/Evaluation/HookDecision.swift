import RingfenceCore

/// What Ringfence decided about one `AgentAction`: the verdict, and the rule that decided
/// it (nil when no rule matched, or the policy was missing).
public struct HookDecision: Sendable, Hashable {
    /// The rule that decided, with the surface it belongs to.
    public struct Match: Sendable, Hashable {
        public var surface: Surface
        public var rule: AgentPolicy.Rule
        /// The pattern of the rule that matched.
        public var pattern: String
    }

    /// What happens to the action.
    public var verdict: Verdict
    /// The deciding rule.
    public var match: Match?
    /// The surface the decision is recorded under (the match's, else the action's first).
    public var surface: Surface
    /// Set when there was no usable policy and the surface's fail mode decided.
    public var policyUnavailable: String?

    /// The level the agent applies: `block` refuses, `warn` asks, anything else goes ahead.
    public var appliedLevel: Level { match?.rule.level ?? (verdict == .block ? .block : .off) }

    /// Text shown to the user (and the model) when the action is refused or questioned.
    public var message: String {
        if let policyUnavailable {
            return "Ringfence: \(policyUnavailable); \(surface) fails closed on this machine."
        }
        guard let match else { return "" }
        let description = match.rule.description.isEmpty ? "matches '\(match.pattern)'" : match.rule.description
        var text = "Ringfence \(match.rule.pack) \(match.rule.id) (\(match.surface)): \(description)"
        if verdict == .block || verdict == .warn {
            text +=
                " To ask for an exception in this repository: ringfence workstation request-exception --rule \(match.rule.pack)/\(match.rule.id) --justification \"why\""
        }
        return text
    }
}
