import RingfenceCore

/// Gemini CLI's hook protocol, as documented at geminicli.com/docs/hooks/reference and
/// /docs/tools (checked 2026-12-02; see docs/agents.md):
///
/// - Every input carries `hook_event_name`, `session_id`, `cwd`.
/// - `BeforeTool`: `tool_name`, `tool_input`; built-in tools `run_shell_command`
///   (`command`), `read_file` (`path`), `read_many_files`, `write_file` and `replace`
///   (`file_path`), `glob` and `search_file_content` (`path`), `list_directory` (`path`),
///   `web_fetch`; MCP tools `mcp__<server>__<tool>`.
/// - `BeforeAgent`: `prompt`.
/// - The answer is JSON on stdout: `{"decision": "deny", "reason": …}` blocks, `{}` goes on.
///   Gemini CLI has no `ask` for hooks: a warning is recorded as a warn-candidate.
enum GeminiCLIHook {
    static let toolsWithoutSurface: Set<String> = ["web_search", "google_web_search", "save_memory", "web_fetch"]

    static func invocation(_ input: HookInput) -> HookInvocation {
        let event = input.string("hook_event_name")
        let cwd = input.string("cwd")
        let action: AgentAction?
        switch event {
        case "BeforeTool":
            let tool = input.string("tool_name")
            let call = ToolCall(name: tool, input: input.object("tool_input"), cwd: cwd)
            switch tool {
            case "run_shell_command": action = call.shell("command", event: event)
            case "read_file": action = call.read(["path"], event: event)
            case "list_directory", "glob", "search_file_content":
                action = call.read(["path"], event: event, defaultToCwd: true)
            case "read_many_files":
                let paths = call.input.strings("paths").map { HookInvocation.absolute($0, cwd: cwd) }
                action = paths.isEmpty ? call.missing("paths", event: event) : .readFiles(paths: paths)
            case "write_file", "replace": action = call.write(["file_path"], event: event)
            case _ where toolsWithoutSurface.contains(tool): action = nil
            default:
                action = ToolCall.mcpOrUnrecognized(tool, event: event)
            }
        case "BeforeAgent":
            action = ToolCall.prompt(input, "prompt", event: event)
        default: action = ToolCall.unknownEvent(event)
        }
        return HookInvocation(
            agent: .geminiCLI, event: event, action: action, sessionID: input.string("session_id"), cwd: cwd)
    }

    static func answer(_ decision: HookDecision, for invocation: HookInvocation) -> HookAnswer {
        let verdict = HookAnswer.withoutAsking(decision.verdict)
        guard verdict == .block else { return HookAnswer(stdout: "{}\n", verdict: verdict) }
        let json = JSONText.object([("decision", .string("deny")), ("reason", .string(decision.message))])
        return HookAnswer(stdout: json.compact + "\n", verdict: .block)
    }
}
