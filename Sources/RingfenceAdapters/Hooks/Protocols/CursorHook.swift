import RingfenceCore

/// Cursor's hook protocol, as documented at cursor.com/docs/agent/hooks (checked
/// 2026-12-02; see docs/agents.md). Every input carries `hook_event_name`,
/// `conversation_id`, `cursor_version` and `workspace_roots`:
///
/// - `beforeShellExecution`: `command`, `cwd`; `beforeReadFile` and `beforeTabFileRead`:
///   `file_path`; `beforeMCPExecution`: `tool_name` (and the server's `url` or `command`);
///   `preToolUse`: `tool_name`, `tool_input`; `beforeSubmitPrompt`: `prompt`.
/// - The answer is `{"permission": "allow" | "deny" | "ask"}` with `user_message` and
///   `agent_message`; reads can only allow or deny; a prompt is stopped with
///   `{"continue": false, "user_message": …}`.
enum CursorHook {
    /// The events Ringfence registers, in file order.
    static let events = [
        "beforeShellExecution", "beforeMCPExecution", "beforeReadFile", "beforeTabFileRead", "preToolUse",
        "beforeSubmitPrompt",
    ]
    /// `preToolUse` tools decided by their own, more specific hook (`beforeShellExecution`,
    /// `beforeReadFile`, `beforeMCPExecution`): no second decision, no second event.
    static let toolsWithOwnHook: Set<String> = ["Shell", "Read"]
    /// `preToolUse` tools that write files.
    static let writeTools: Set<String> = ["Write", "Edit", "StrReplace", "Delete", "MultiEdit"]
    /// `preToolUse` tools that search files.
    static let searchTools: Set<String> = ["Grep", "Glob"]
    /// `preToolUse` tools without a surface.
    static let toolsWithoutSurface: Set<String> = ["Task", "TodoWrite", "WebSearch"]

    static func invocation(_ input: HookInput) -> HookInvocation {
        let event = input.string("hook_event_name")
        let roots = input.strings("workspace_roots")
        let cwd = input.string("cwd")
        let base = cwd.isEmpty ? roots.first ?? "" : cwd
        let call = ToolCall(name: "", input: input, cwd: base)
        let action: AgentAction?
        var identity: HookInvocation.McpServerIdentity?
        switch event {
        case "beforeShellExecution": action = call.shell("command", event: event)
        case "beforeReadFile", "beforeTabFileRead": action = call.read(["file_path"], event: event)
        case "beforeMCPExecution":
            let tool = input.string("tool_name")
            // Cursor names the tool only; the server is named from its command or URL by the
            // approved catalogue when the hook decides (`HookRun`).
            action = tool.isEmpty ? call.missing("tool_name", event: event) : .mcpTool(server: "", tool: tool)
            let command = input.string("command").split(separator: " ").map(String.init)
            let url = input.string("url")
            if !command.isEmpty || !url.isEmpty {
                identity = HookInvocation.McpServerIdentity(
                    command: command.isEmpty ? nil : command, url: url.isEmpty ? nil : url)
            }
        case "preToolUse":
            let tool = input.string("tool_name")
            let toolCall = ToolCall(name: tool, input: input.object("tool_input"), cwd: base)
            if toolsWithOwnHook.contains(tool) || tool.hasPrefix("MCP:") || toolsWithoutSurface.contains(tool) {
                action = nil
            } else if writeTools.contains(tool) {
                action = toolCall.write(["file_path", "path"], event: event)
            } else if searchTools.contains(tool) {
                action = toolCall.read(["path", "file_path"], event: event, defaultToCwd: true)
            } else {
                action = .unrecognized(
                    name: ToolCall.unrecognizedName(event: event, tool: tool.isEmpty ? "(no tool_name)" : tool))
            }
        case "beforeSubmitPrompt":
            action = input.has("prompt") ? .prompt(text: input.string("prompt")) : call.missing("prompt", event: event)
        default: action = ToolCall.unknownEvent(event)
        }
        var invocation = HookInvocation(
            agent: .cursor, event: event, action: action, sessionID: input.string("conversation_id"), cwd: cwd,
            workspaceRoots: roots, agentVersion: input.string("cursor_version"))
        invocation.mcpServerIdentity = identity
        return invocation
    }

    static func answer(_ decision: HookDecision, for invocation: HookInvocation) -> HookAnswer {
        if invocation.event == "beforeSubmitPrompt" {
            let verdict = HookAnswer.withoutAsking(decision.verdict)
            let stop = verdict == .block
            var members: [(String, JSONText)] = [("continue", .bool(!stop))]
            if stop { members.append(("user_message", .string(decision.message))) }
            return HookAnswer(stdout: JSONText.object(members).compact + "\n", verdict: verdict)
        }
        let canAsk = invocation.event != "beforeReadFile" && invocation.event != "beforeTabFileRead"
        let verdict = canAsk ? decision.verdict : HookAnswer.withoutAsking(decision.verdict)
        var members: [(String, JSONText)]
        switch verdict {
        case .block: members = [("permission", .string("deny"))]
        case .warn: members = [("permission", .string("ask"))]
        case .pass, .warnCandidate, .blockCandidate: members = [("permission", .string("allow"))]
        }
        if (verdict == .block || verdict == .warn) && canAsk {
            members += [("user_message", .string(decision.message)), ("agent_message", .string(decision.message))]
        }
        return HookAnswer(stdout: JSONText.object(members).compact + "\n", verdict: verdict)
    }
}
