import RingfenceCore

/// OpenAI Codex's hook protocol, which follows Claude Code's (developers.openai.com/codex/hooks,
/// checked 2026-12-02; see docs/agents.md):
///
/// - `PreToolUse` runs for `Bash` (`tool_input.command`), `apply_patch` (the patch in
///   `tool_input.command`) and MCP tools (`mcp__<server>__<tool>`); the answer is
///   `hookSpecificOutput.permissionDecision: deny` with a reason.
/// - `UserPromptSubmit` input: `prompt`; exit status 2 blocks it with stderr as the reason.
///
/// Codex documents no `ask` for hooks: a warning goes ahead and is recorded as a warn-candidate.
enum CodexHook {

    static func invocation(_ input: HookInput) -> HookInvocation {
        let event = input.string("hook_event_name")
        let cwd = input.string("cwd")
        let action: AgentAction?
        switch event {
        case "PreToolUse":
            let tool = input.string("tool_name")
            let call = ToolCall(name: tool, input: input.object("tool_input"), cwd: cwd)
            switch tool {
            case "Bash": action = call.shell("command", event: event)
            case "apply_patch":
                let files = patchedFiles(call.input.string("command")).map { HookInvocation.absolute($0, cwd: cwd) }
                action =
                    files.isEmpty
                    ? call.missing("command (a patch naming files)", event: event) : .writeFiles(paths: files)
            default:
                action = ToolCall.mcpOrUnrecognized(tool, event: event)
            }
        case "UserPromptSubmit":
            action = ToolCall.prompt(input, "prompt", event: event)
        default: action = ToolCall.unknownEvent(event)
        }
        return HookInvocation(
            agent: .codex, event: event, action: action, sessionID: input.string("session_id"), cwd: cwd)
    }

    /// The files an `apply_patch` patch adds, updates, deletes or moves to
    /// (`*** Add File: p`, `*** Update File: p`, `*** Delete File: p`, `*** Move to: p`).
    static func patchedFiles(_ patch: String) -> [String] {
        let markers = ["*** Add File: ", "*** Update File: ", "*** Delete File: ", "*** Move to: "]
        return patch.split(separator: "\n").compactMap { line in
            guard let marker = markers.first(where: { line.hasPrefix($0) }) else { return nil }
            let path = line.dropFirst(marker.count).trimmingSuffix()
            return path.isEmpty ? nil : String(path)
        }.prefix(ShellCommandPaths.limit).map { $0 }
    }

    static func answer(_ decision: HookDecision, for invocation: HookInvocation) -> HookAnswer {
        let verdict = HookAnswer.withoutAsking(decision.verdict)
        guard verdict == .block else { return HookAnswer(verdict: verdict) }
        if invocation.event != "PreToolUse" { return .blocking(decision.message) }
        return HookAnswer(
            stdout: ClaudeCodeHook.permissionJSON("deny", decision.message), verdict: .block)
    }
}

extension Substring {
    /// Without trailing spaces, tabs and carriage returns.
    func trimmingSuffix() -> Substring {
        var text = self
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text.removeLast() }
        return text
    }
}
