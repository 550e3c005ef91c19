import RingfenceCore

/// Windsurf's (Cascade) hook protocol, as documented at docs.windsurf.com/windsurf/cascade/hooks
/// (checked 2026-12-02; see docs/agents.md):
///
/// - Every input carries `agent_action_name`, `trajectory_id`, `execution_id`, `timestamp`
///   and `tool_info`: `pre_read_code` (`file_path`, a file or a directory), `pre_write_code`
///   (`file_path`, `edits`), `pre_run_command` (`command_line`, `cwd`), `pre_mcp_tool_use`
///   (`mcp_server_name`, `mcp_tool_name`, `mcp_tool_arguments`), `pre_user_prompt`
///   (`user_prompt`).
/// - A pre-hook blocks by exiting with status 2; stderr is shown to Cascade. There is no
///   `ask`: a warning is recorded as a warn-candidate.
enum WindsurfHook {
    static let events = ["pre_read_code", "pre_write_code", "pre_run_command", "pre_mcp_tool_use", "pre_user_prompt"]

    static func invocation(_ input: HookInput) -> HookInvocation {
        let event = input.string("agent_action_name")
        let info = input.object("tool_info")
        let cwd = info.string("cwd")
        let call = ToolCall(name: "", input: info, cwd: cwd)
        let action: AgentAction?
        switch event {
        case "pre_run_command": action = call.shell("command_line", event: event)
        case "pre_read_code": action = call.read(["file_path"], event: event)
        case "pre_write_code": action = call.write(["file_path"], event: event)
        case "pre_mcp_tool_use":
            let server = info.string("mcp_server_name")
            let tool = info.string("mcp_tool_name")
            action =
                tool.isEmpty
                ? call.missing("tool_info.mcp_tool_name", event: event) : .mcpTool(server: server, tool: tool)
        case "pre_user_prompt":
            action =
                info.has("user_prompt")
                ? .prompt(text: info.string("user_prompt")) : call.missing("tool_info.user_prompt", event: event)
        default: action = ToolCall.unknownEvent(event, field: "agent_action_name")
        }
        return HookInvocation(
            agent: .windsurf, event: event, action: action, sessionID: input.string("trajectory_id"), cwd: cwd)
    }

    static func answer(_ decision: HookDecision, for invocation: HookInvocation) -> HookAnswer {
        let verdict = HookAnswer.withoutAsking(decision.verdict)
        return verdict == .block ? .blocking(decision.message) : HookAnswer(verdict: verdict)
    }
}
