import Foundation
import RingfenceCore

/// What a `RequestException` call asks for, checked against `WireLimits` (the content
/// rules — lengths of a justification, durations, the rule's existence — are Core's
/// `ExceptionRules`, checked by the store against the current policy).
public struct ExceptionAsk: Sendable, Equatable {
    public var user: String
    public var pack: String
    public var rule: String
    public var repo: String
    public var justification: String
    public var duration: TimeInterval
}

extension Ringfence_V1_RequestExceptionRequest {
    /// The request's fields, checked.
    public func validated() throws(WireError) -> ExceptionAsk {
        try WireText.check(user, "user", limit: WireLimits.userName, required: true)
        try WireText.check(rule, "rule", limit: WireLimits.ruleReference, required: true)
        try WireText.check(repo, "repo", limit: WireLimits.repoSlug, required: true)
        try WireText.check(justification, "justification", limit: WireLimits.justification, required: true)
        guard let reference = ExceptionRules.ruleReference(rule) else {
            throw WireError(field: "rule", problem: "is not PACK/RULE-ID")
        }
        guard durationSeconds > 0 else { throw WireError(field: "duration_seconds", problem: "is not positive") }
        return ExceptionAsk(
            user: user, pack: reference.pack, rule: reference.rule, repo: repo, justification: justification,
            duration: TimeInterval(durationSeconds))
    }
}
