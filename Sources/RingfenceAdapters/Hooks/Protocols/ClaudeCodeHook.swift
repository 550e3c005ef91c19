import RingfenceCore

/// Claude Code's hook protocol, as documented at code.claude.com/docs/en/hooks and
/// /tools-reference (checked 2026-12-02; see docs/agents.md):
///
/// - `PreToolUse` input: `tool_name`, `tool_input`, `session_id`, `cwd`; the answer is
///   `hookSpecificOutput.permissionDecision` `deny` or `ask` with a reason, or nothing.
/// - `UserPromptSubmit` input: `prompt`; exit status 2 blocks the prompt and shows stderr.
/// - MCP tools are named `mcp__<server>__<tool>`.
enum ClaudeCodeHook {
    /// Every tool Claude Code's tools reference names that touches none of Ringfence's
    /// surfaces: they pass without an event. A tool neither decided in `toolAction` nor in
    /// this list is `unrecognized`.
    static let toolsWithoutSurface: Set<String> = [
        "Agent", "Task", "AskUserQuestion", "CronCreate", "CronDelete", "CronList", "EnterPlanMode",
        "EnterWorktree", "ExitPlanMode", "ExitWorktree", "ListMcpResourcesTool", "LSP", "ReadMcpResourceTool",
        "Skill", "TaskCreate", "TaskGet", "TaskList", "TaskOutput", "TaskStop", "TaskUpdate", "TodoWrite",
        "ToolSearch", "WebSearch", "Artifact",
    ]

    static func invocation(_ input: HookInput) -> HookInvocation {
        let event = input.string("hook_event_name")
        let cwd = input.string("cwd")
        let action: AgentAction?
        switch event {
        case "PreToolUse": action = toolAction(input, event: event, cwd: cwd)
        case "UserPromptSubmit":
            action = ToolCall.prompt(input, "prompt", event: event)
        default: action = ToolCall.unknownEvent(event)
        }
        return HookInvocation(
            agent: .claudeCode, event: event, action: action, sessionID: input.string("session_id"), cwd: cwd)
    }

    static func toolAction(_ input: HookInput, event: String, cwd: String) -> AgentAction? {
        let tool = input.string("tool_name")
        let call = ToolCall(name: tool, input: input.object("tool_input"), cwd: cwd)
        switch tool {
        case "Bash", "PowerShell": return call.shell("command", event: event)
        case "Read": return call.read(["file_path"], event: event)
        case "Edit", "Write", "MultiEdit": return call.write(["file_path"], event: event)
        case "NotebookEdit": return call.write(["notebook_path"], event: event)
        case "Grep", "Glob": return call.read(["path"], event: event, defaultToCwd: true)
        case "WebFetch": return call.fetch("url", event: event)
        case _ where toolsWithoutSurface.contains(tool): return nil
        default:
            return ToolCall.mcpOrUnrecognized(tool, event: event)
        }
    }

    static func answer(_ decision: HookDecision, for invocation: HookInvocation) -> HookAnswer {
        // A prompt (or an event Ringfence does not register): exit status 2 is the block.
        if invocation.event != "PreToolUse" {
            return decision.verdict == .block
                ? .blocking(decision.message) : HookAnswer(verdict: HookAnswer.withoutAsking(decision.verdict))
        }
        let permission: String
        switch decision.verdict {
        case .block: permission = "deny"
        case .warn: permission = "ask"
        // No opinion: Claude Code's own permission rules and prompts go on as usual.
        case .pass, .warnCandidate, .blockCandidate: return HookAnswer(verdict: decision.verdict)
        }
        return HookAnswer(
            stdout: permissionJSON(permission, decision.message), verdict: decision.verdict)
    }

    /// `{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":…,"permissionDecisionReason":…}}`
    static func permissionJSON(_ permission: String, _ reason: String) -> String {
        JSONText.object([
            (
                "hookSpecificOutput",
                .object([
                    ("hookEventName", .string("PreToolUse")),
                    ("permissionDecision", .string(permission)),
                    ("permissionDecisionReason", .string(reason)),
                ])
            )
        ]).compact + "\n"
    }
}
