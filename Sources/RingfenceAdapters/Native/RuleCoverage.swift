import RingfenceCore

/// How the rules of a policy are covered by one agent: the patterns its native permission
/// lists express (`deny` for block, `ask` for warn) and, for every other rule or pattern,
/// what enforces it instead (the hook, or nothing on the workstation) and why.
struct RuleCoverage {
    var deny = Set<String>()
    var ask = Set<String>()
    var notNative: [NotNativeRule] = []

    /// Why a pattern has no native entry.
    struct Refusal: Error {
        var reason: String
    }

    /// - Parameters:
    ///   - hook: for each surface the agent's hook sees, how (nil: the hook never sees it).
    ///   - canAsk: whether the agent's hook can ask about a surface; a warn rule that
    ///     cannot ask goes ahead and is recorded as a warn-candidate.
    ///   - native: the agent's native entry for a pattern; nil when the agent has no
    ///     native lists at all (every rule is then listed once, without a pattern).
    init(
        _ policy: AgentPolicy, hook: (Surface) -> String?, canAsk: (Surface) -> Bool = { _ in true },
        native: ((Surface, String) -> Result<String, Refusal>)? = nil
    ) {
        for surface in policy.surfaces {
            let seen = hook(surface.surface)
            for rule in surface.rules {
                func uncovered(pattern: String?, _ reason: String) {
                    var reason = reason
                    if let seen {
                        reason = reason.isEmpty ? seen : reason + "; " + seen
                        if rule.level == .warn && !canAsk(surface.surface) {
                            reason += " (it cannot ask: a warned action goes ahead and is recorded as a warn-candidate)"
                        }
                    }
                    notNative.append(
                        NotNativeRule(
                            surface: surface.surface, pack: rule.pack, ruleID: rule.id, pattern: pattern,
                            level: rule.level, enforcement: seen == nil ? .none : .hook, reason: reason))
                }
                guard let native else {
                    uncovered(pattern: nil, seen == nil ? "no hook input speaks about '\(surface.surface)'" : "")
                    continue
                }
                for pattern in rule.match {
                    switch native(surface.surface, pattern) {
                    case .success(let entry):
                        switch rule.level {
                        case .block: deny.insert(entry)
                        case .warn: ask.insert(entry)
                        case .observe, .off: break
                        }
                    case .failure(let refusal):
                        uncovered(pattern: pattern, refusal.reason)
                    }
                }
            }
        }
        // An entry both denied and asked is denied (agents check deny first anyway).
        ask.subtract(deny)
    }
}
