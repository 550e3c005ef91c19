import RingfenceCore

/// What `ringfence hook` prints for a decision, in the agent's own hook protocol, and the
/// verdict that is recorded (a warning the agent cannot show is a warn-candidate).
public struct HookAnswer: Sendable, Hashable {
    /// Written to stdout; empty for "no opinion".
    public var stdout: String
    /// Process exit status (0: the agent reads stdout).
    public var exitCode: Int32
    /// What happened to the action, for the audit event.
    public var verdict: Verdict

    /// The answer for a decision about an invocation.
    public init(_ decision: HookDecision, for invocation: HookInvocation) {
        exitCode = 0
        let message = decision.message
        switch invocation.agent {
        case .claudeCode:
            verdict = decision.verdict
            let permission: String
            switch decision.verdict {
            case .block: permission = "deny"
            case .warn: permission = "ask"
            // No opinion: Claude Code's own permission rules and prompts go on as usual.
            case .pass, .warnCandidate, .blockCandidate:
                stdout = ""
                return
            }
            stdout =
                JSONText.object([
                    (
                        "hookSpecificOutput",
                        .object([
                            ("hookEventName", .string("PreToolUse")),
                            ("permissionDecision", .string(permission)),
                            ("permissionDecisionReason", .string(message)),
                        ])
                    )
                ]).compact + "\n"
        case .cursor:
            let canAsk = invocation.event != "beforeReadFile"
            var verdict = decision.verdict
            if verdict == .warn && !canAsk { verdict = .warnCandidate }
            self.verdict = verdict
            var members: [(String, JSONText)]
            switch verdict {
            case .block: members = [("permission", .string("deny"))]
            case .warn: members = [("permission", .string("ask"))]
            case .pass, .warnCandidate, .blockCandidate: members = [("permission", .string("allow"))]
            }
            if (verdict == .block || verdict == .warn) && canAsk {
                members += [("user_message", .string(message)), ("agent_message", .string(message))]
            }
            stdout = JSONText.object(members).compact + "\n"
        case .copilot:
            verdict = decision.verdict
            stdout = ""
        }
    }
}
