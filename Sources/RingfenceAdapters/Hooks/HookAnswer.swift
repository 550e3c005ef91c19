import RingfenceCore

/// What `ringfence hook` prints for a decision, in the agent's own hook protocol, and the
/// verdict that is recorded (a warning the agent cannot show is a warn-candidate).
public struct HookAnswer: Sendable, Hashable {
    /// Written to stdout; empty for "no opinion".
    public var stdout: String
    /// Written to stderr: the reason, for agents that read it on exit status 2.
    public var stderr: String
    /// Process exit status: 0 (the agent reads stdout), or 2 (the agent blocks the action).
    public var exitCode: Int32
    /// What happened to the action, for the audit event.
    public var verdict: Verdict

    public init(stdout: String = "", stderr: String = "", exitCode: Int32 = 0, verdict: Verdict) {
        self.stdout = stdout
        self.stderr = stderr
        self.exitCode = exitCode
        self.verdict = verdict
    }

    /// The answer for a decision about an invocation.
    public init(_ decision: HookDecision, for invocation: HookInvocation) {
        if invocation.event.isEmpty, invocation.action?.isUnrecognized == true {
            // Input that could not be read at all has no event to answer in: exit status 2
            // blocks in every agent's protocol, 0 with nothing printed lets the agent go on.
            self = decision.verdict == .block ? .blocking(decision.message) : HookAnswer(verdict: decision.verdict)
            return
        }
        switch invocation.agent {
        case .claudeCode: self = ClaudeCodeHook.answer(decision, for: invocation)
        case .codex: self = CodexHook.answer(decision, for: invocation)
        case .cursor: self = CursorHook.answer(decision, for: invocation)
        case .copilot: self = CopilotHook.answer(decision, for: invocation)
        case .geminiCLI: self = GeminiCLIHook.answer(decision, for: invocation)
        case .windsurf: self = WindsurfHook.answer(decision, for: invocation)
        }
    }

    /// Exit status 2 with the reason on stderr: blocks in every agent that reads exit codes.
    static func blocking(_ message: String) -> HookAnswer {
        HookAnswer(stderr: message + "\n", exitCode: 2, verdict: .block)
    }

    /// The verdict recorded when the agent cannot ask: a warning becomes a warn-candidate.
    static func withoutAsking(_ verdict: Verdict) -> Verdict {
        verdict == .warn ? .warnCandidate : verdict
    }
}
