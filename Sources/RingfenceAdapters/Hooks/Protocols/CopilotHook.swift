import RingfenceCore

/// GitHub Copilot's hook protocol (Copilot CLI), as documented at
/// docs.github.com/en/copilot/reference/hooks-reference (checked 2026-12-02; see
/// docs/agents.md):
///
/// - `preToolUse` input: `toolName`, `toolArgs` (the arguments, as a JSON string or
///   object), `cwd`, `timestamp`; the answer is `{"permissionDecision": "deny" | "ask",
///   "permissionDecisionReason": …}`, or nothing to allow.
/// - `userPromptSubmitted` input: `prompt`; only `preToolUse` can block, so prompts are
///   recorded (a block or warn there is a candidate).
///
/// The input names no event: a `toolName` makes it a tool call, a `prompt` a prompt.
enum CopilotHook {
    /// Copilot CLI tools that touch no surface: they read or stop a running shell session.
    static let toolsWithoutSurface: Set<String> = ["read_bash", "stop_bash"]

    static func invocation(_ input: HookInput) -> HookInvocation {
        let cwd = input.string("cwd")
        if input.has("toolName") {
            let tool = input.string("toolName")
            let call = ToolCall(name: tool, input: input.object("toolArgs"), cwd: cwd)
            let event = "preToolUse"
            let action: AgentAction?
            switch tool {
            case "bash": action = call.shell("command", event: event)
            case "write_bash": action = call.shell("input", event: event)
            case "view": action = call.read(["path"], event: event)
            case "create", "edit": action = call.write(["path"], event: event)
            case _ where toolsWithoutSurface.contains(tool): action = nil
            default:
                action = .unrecognized(
                    name: ToolCall.unrecognizedName(event: event, tool: tool.isEmpty ? "(no toolName)" : tool))
            }
            return HookInvocation(agent: .copilot, event: event, action: action, cwd: cwd)
        }
        if input.has("prompt") {
            return HookInvocation(
                agent: .copilot, event: "userPromptSubmitted", action: .prompt(text: input.string("prompt")), cwd: cwd)
        }
        return HookInvocation(
            agent: .copilot, event: "(unknown)", action: .unrecognized(name: "(no toolName or prompt)"), cwd: cwd)
    }

    static func answer(_ decision: HookDecision, for invocation: HookInvocation) -> HookAnswer {
        guard invocation.event == "preToolUse" else {
            // Prompts cannot be blocked from a hook: what would have been refused is a candidate.
            let verdict: Verdict =
                switch decision.verdict {
                case .block: .blockCandidate
                case .warn: .warnCandidate
                default: decision.verdict
                }
            return HookAnswer(verdict: verdict)
        }
        let permission: String
        switch decision.verdict {
        case .block: permission = "deny"
        case .warn: permission = "ask"
        case .pass, .warnCandidate, .blockCandidate: return HookAnswer(verdict: decision.verdict)
        }
        let json = JSONText.object([
            ("permissionDecision", .string(permission)), ("permissionDecisionReason", .string(decision.message)),
        ])
        return HookAnswer(stdout: json.compact + "\n", verdict: decision.verdict)
    }
}
