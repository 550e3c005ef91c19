import Foundation
import RingfenceCore

/// One call of an agent's hook, read from the JSON the agent writes on the hook's stdin.
public struct HookInvocation: Sendable, Hashable {
    /// The agent that called.
    public var agent: AgentKind
    /// The agent's hook event, e.g. `PreToolUse` or `beforeShellExecution`.
    public var event: String
    /// What the agent is about to do; nil for a tool Ringfence has no surface for.
    public var action: AgentAction?
    /// Session or conversation id, to group events of one conversation.
    public var sessionID: String
    /// Working directory, when the agent says.
    public var cwd: String
    /// The workspace's folders (Cursor's `workspace_roots`), when the agent says.
    public var workspaceRoots: [String]
    /// Agent version, when the agent says.
    public var agentVersion: String

    /// The directory the action happens in: the working directory, else the first
    /// workspace folder; empty when the agent says neither.
    public var directory: String { cwd.isEmpty ? workspaceRoots.first ?? "" : cwd }

    /// Why an input cannot be read.
    public struct InputError: Error, Sendable, CustomStringConvertible {
        public var description: String

        public init(description: String) { self.description = description }
    }

    /// Parses the hook input of an agent.
    public init(agent: AgentKind, json: Data) throws(InputError) {
        guard let object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] else {
            throw InputError(description: "hook input is not a JSON object")
        }
        self.agent = agent
        func string(_ key: String, in dictionary: [String: Any] = object) -> String {
            dictionary[key] as? String ?? ""
        }
        event = string("hook_event_name")
        cwd = string("cwd")
        workspaceRoots = (object["workspace_roots"] as? [Any] ?? []).compactMap { $0 as? String }
        switch agent {
        case .claudeCode:
            sessionID = string("session_id")
            agentVersion = ""
            let tool = string("tool_name")
            let input = object["tool_input"] as? [String: Any] ?? [:]
            switch tool {
            case "Bash":
                let command = string("command", in: input)
                guard !command.isEmpty else {
                    throw InputError(description: "Bash hook input has no tool_input.command")
                }
                action = .shell(command: command)
            case "Read":
                let path = string("file_path", in: input)
                guard !path.isEmpty else {
                    throw InputError(description: "Read hook input has no tool_input.file_path")
                }
                action = .readFile(path: Self.absolute(path, cwd: cwd))
            case _ where tool.hasPrefix("mcp__"):
                // mcp__<server>__<tool>; a server name may itself contain "__" only before the last one.
                let name = tool.dropFirst(5)
                guard let separator = name.range(of: "__", options: .backwards) else {
                    throw InputError(description: "MCP tool name '\(tool.prefix(128))' is not mcp__<server>__<tool>")
                }
                action = .mcpTool(
                    server: String(name[..<separator.lowerBound]), tool: String(name[separator.upperBound...]))
            default:
                action = nil
            }
        case .cursor:
            sessionID = string("conversation_id")
            agentVersion = string("cursor_version")
            switch event {
            case "beforeShellExecution":
                let command = string("command")
                guard !command.isEmpty else {
                    throw InputError(description: "beforeShellExecution input has no command")
                }
                action = .shell(command: command)
            case "beforeReadFile":
                let path = string("file_path")
                guard !path.isEmpty else { throw InputError(description: "beforeReadFile input has no file_path") }
                action = .readFile(path: Self.absolute(path, cwd: cwd))
            case "beforeMCPExecution":
                let tool = string("tool_name")
                guard !tool.isEmpty else { throw InputError(description: "beforeMCPExecution input has no tool_name") }
                // Cursor names the tool only; the server is unknown.
                action = .mcpTool(server: "", tool: tool)
            default:
                action = nil
            }
        case .copilot:
            throw InputError(description: "Copilot has no Ringfence hook (see docs/agents.md)")
        }
    }

    static func absolute(_ path: String, cwd: String) -> String {
        guard !path.hasPrefix("/"), !path.hasPrefix("~"), !cwd.isEmpty else { return path }
        return (cwd.hasSuffix("/") ? cwd : cwd + "/") + (path.hasPrefix("./") ? String(path.dropFirst(2)) : path)
    }
}
