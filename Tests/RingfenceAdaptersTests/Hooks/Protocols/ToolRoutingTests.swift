import Foundation
import RingfenceCore
import Testing

@testable import RingfenceAdapters

/// Every tool an agent's documentation names reaches the hook and is understood: decided
/// on its surface, or passed as a tool without one — never `unrecognized`. And a tool the
/// documentation does not name is `unrecognized`.
@Suite("Hook protocols: every documented tool is routed")
struct ToolRoutingTests {
    /// Claude Code's tools reference (code.claude.com/docs/en/tools-reference, 2026-12-02).
    static let claudeTools = [
        "Agent", "AskUserQuestion", "Bash", "CronCreate", "CronDelete", "CronList", "Edit", "EnterPlanMode",
        "EnterWorktree", "ExitPlanMode", "ExitWorktree", "Glob", "Grep", "ListMcpResourcesTool", "LSP",
        "NotebookEdit", "Read", "ReadMcpResourceTool", "Skill", "TaskCreate", "TaskGet", "TaskList", "TaskOutput",
        "TaskStop", "TaskUpdate", "TodoWrite", "ToolSearch", "WebFetch", "WebSearch", "Write", "PowerShell",
        "MultiEdit", "Artifact",
    ]

    static func claude(_ tool: String, _ input: [String: Any]) throws -> HookInvocation {
        let object: [String: Any] = [
            "hook_event_name": "PreToolUse", "session_id": "s", "cwd": "/home/dev/app", "tool_name": tool,
            "tool_input": input,
        ]
        return try HookInvocation(agent: .claudeCode, json: JSONSerialization.data(withJSONObject: object))
    }

    static func isUnrecognized(_ invocation: HookInvocation) -> Bool {
        invocation.action?.isUnrecognized == true
    }

    @Test("Claude Code: the matcher takes every tool; each documented tool is understood")
    func claudeCode() throws {
        let matcher = try Regex(ClaudeCodeAdapter.hookMatcher == "*" ? ".*" : ClaudeCodeAdapter.hookMatcher)
        let input: [String: Any] = [
            "command": "ls", "file_path": "/home/dev/app/a.txt", "notebook_path": "/home/dev/app/n.ipynb",
            "path": "/home/dev/app", "url": "https://example.com/x", "pattern": "TODO",
        ]
        for tool in Self.claudeTools + ["mcp__github__create_issue"] {
            #expect(try matcher.wholeMatch(in: tool) != nil, "\(tool)")
            #expect(!Self.isUnrecognized(try Self.claude(tool, input)), "\(tool)")
        }
        #expect(Self.isUnrecognized(try Self.claude("Shell", ["command": "ls"])), "a renamed tool")
        #expect(try Self.claude("Shell", ["command": "ls"]).action == .unrecognized(name: "PreToolUse/Shell"))
        #expect(
            try Self.claude("Bash", ["cmd": "ls"]).action
                == .unrecognized(name: "PreToolUse/Bash without command"), "a renamed field")
        let noPrompt = try HookInvocation(
            agent: .claudeCode, json: Data(#"{"hook_event_name":"UserPromptSubmit"}"#.utf8))
        #expect(noPrompt.action == .unrecognized(name: "UserPromptSubmit without prompt"))
    }

    @Test("Codex, Gemini CLI, Copilot: their documented tools are understood")
    func others() throws {
        func invocation(_ agent: AgentKind, _ object: [String: Any]) throws -> HookInvocation {
            try HookInvocation(agent: agent, json: JSONSerialization.data(withJSONObject: object))
        }
        for tool in ["Bash", "mcp__db__query"] {
            let call = try invocation(
                .codex, ["hook_event_name": "PreToolUse", "tool_name": tool, "tool_input": ["command": "ls"]])
            #expect(!Self.isUnrecognized(call), "codex \(tool)")
        }
        let patch =
            "*** Begin Patch\n*** Update File: src/a.swift\n@@\n-a\n+b\n*** Add File: ~/.ssh/config\n*** End Patch"
        let applied = try invocation(
            .codex,
            [
                "hook_event_name": "PreToolUse", "cwd": "/w", "tool_name": "apply_patch",
                "tool_input": ["command": patch],
            ])
        #expect(applied.action == .writeFiles(paths: ["/w/src/a.swift", "~/.ssh/config"]))

        let gemini: [String: [String: Any]] = [
            "run_shell_command": ["command": "ls"], "read_file": ["path": "/a"], "write_file": ["file_path": "/a"],
            "replace": ["file_path": "/a"], "glob": ["pattern": "*"], "search_file_content": ["pattern": "x"],
            "list_directory": ["path": "/a"], "read_many_files": ["paths": ["/a", "/b"]], "web_fetch": ["prompt": "x"],
            "google_web_search": ["query": "x"], "save_memory": ["fact": "x"], "mcp__db__query": [:],
        ]
        for (tool, arguments) in gemini {
            let call = try invocation(
                .geminiCLI, ["hook_event_name": "BeforeTool", "cwd": "/w", "tool_name": tool, "tool_input": arguments])
            #expect(!Self.isUnrecognized(call), "gemini \(tool)")
        }
        let copilot: [String: [String: Any]] = [
            "bash": ["command": "ls"], "view": ["path": "/a"], "create": ["path": "/a"], "edit": ["path": "/a"],
            "write_bash": ["input": "ls\n"], "read_bash": [:], "stop_bash": [:],
        ]
        for (tool, arguments) in copilot {
            let data = try JSONSerialization.data(withJSONObject: arguments)
            // Copilot sends toolArgs as a JSON string.
            let call = try invocation(.copilot, ["toolName": tool, "toolArgs": String(decoding: data, as: UTF8.self)])
            #expect(!Self.isUnrecognized(call), "copilot \(tool)")
        }
    }

    @Test("Cursor and Windsurf: every registered event is understood; an unknown one is not")
    func events() throws {
        let cursorInputs: [String: [String: Any]] = [
            "beforeShellExecution": ["command": "ls"], "beforeMCPExecution": ["tool_name": "q"],
            "beforeReadFile": ["file_path": "/a"], "beforeTabFileRead": ["file_path": "/a"],
            "preToolUse": ["tool_name": "Write", "tool_input": ["file_path": "/a"]],
            "beforeSubmitPrompt": ["prompt": "hi"],
        ]
        #expect(Set(cursorInputs.keys) == Set(CursorAdapter.events))
        for (event, fields) in cursorInputs {
            let object = fields.merging(["hook_event_name": event, "workspace_roots": ["/w"]]) { a, _ in a }
            let call = try HookInvocation(agent: .cursor, json: JSONSerialization.data(withJSONObject: object))
            #expect(!Self.isUnrecognized(call), "cursor \(event)")
        }
        let windsurfInputs: [String: [String: Any]] = [
            "pre_read_code": ["file_path": "/a"], "pre_write_code": ["file_path": "/a"],
            "pre_run_command": ["command_line": "ls", "cwd": "/w"],
            "pre_mcp_tool_use": ["mcp_server_name": "github", "mcp_tool_name": "create_issue"],
            "pre_user_prompt": ["user_prompt": "hi"],
        ]
        #expect(Set(windsurfInputs.keys) == Set(WindsurfAdapter.events))
        for (event, info) in windsurfInputs {
            let object: [String: Any] = ["agent_action_name": event, "trajectory_id": "t", "tool_info": info]
            let call = try HookInvocation(agent: .windsurf, json: JSONSerialization.data(withJSONObject: object))
            #expect(!Self.isUnrecognized(call), "windsurf \(event)")
        }
        let unknown = try HookInvocation(
            agent: .cursor, json: Data(#"{"hook_event_name":"beforeFooBar","conversation_id":"c"}"#.utf8))
        #expect(unknown.action == .unrecognized(name: "beforeFooBar"))
    }
}
