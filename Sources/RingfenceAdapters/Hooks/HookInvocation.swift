import Foundation
import RingfenceCore

/// One call of an agent's hook, read from the JSON the agent writes on the hook's stdin.
///
/// Each agent's input is read by its own protocol (`Hooks/Protocols`). Input the protocol
/// does not understand — an unknown tool or event, a missing field — is not an error: it
/// becomes an `unrecognized` action named by the raw tool or event name, so that it is
/// decided by the `unrecognized` surface (or the hook's fail mode) and recorded.
public struct HookInvocation: Sendable, Hashable {
    /// The agent that called.
    public var agent: AgentKind
    /// The agent's hook event, e.g. `PreToolUse` or `beforeShellExecution`.
    public var event: String
    /// What the agent is about to do; nil for a tool the agent documents that touches none
    /// of Ringfence's surfaces (a to-do list, a plan), which passes without an event.
    public var action: AgentAction?
    /// Session or conversation id, to group events of one conversation.
    public var sessionID: String
    /// Working directory, when the agent says.
    public var cwd: String
    /// The workspace's folders (Cursor's `workspace_roots`), when the agent says.
    public var workspaceRoots: [String]
    /// Agent version, when the agent says.
    public var agentVersion: String
    /// How the MCP server of an MCP call is known when the agent does not name it
    /// (Cursor's `command` or `url`): matched against the approved catalogue for its name.
    public var mcpServerIdentity: McpServerIdentity?

    /// A server's identity as an agent's hook input gives it.
    public struct McpServerIdentity: Sendable, Hashable {
        public var command: [String]?
        public var url: String?

        public init(command: [String]? = nil, url: String? = nil) {
            self.command = command
            self.url = url
        }
    }

    /// The directory the action happens in: the working directory, else the first
    /// workspace folder; empty when the agent says neither.
    public var directory: String { cwd.isEmpty ? workspaceRoots.first ?? "" : cwd }

    /// Why an input cannot be read at all.
    public struct InputError: Error, Sendable, CustomStringConvertible {
        public var description: String

        public init(description: String) { self.description = description }
    }

    public init(
        agent: AgentKind, event: String, action: AgentAction?, sessionID: String = "", cwd: String = "",
        workspaceRoots: [String] = [], agentVersion: String = ""
    ) {
        self.agent = agent
        self.event = event
        self.action = action
        self.sessionID = sessionID
        self.cwd = cwd
        self.workspaceRoots = workspaceRoots
        self.agentVersion = agentVersion
    }

    /// Parses the hook input of an agent; throws only when the input is not a JSON object.
    public init(agent: AgentKind, json: Data) throws(InputError) {
        guard let object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] else {
            throw InputError(description: "hook input is not a JSON object")
        }
        let input = HookInput(object)
        switch agent {
        case .claudeCode: self = ClaudeCodeHook.invocation(input)
        case .codex: self = CodexHook.invocation(input)
        case .cursor: self = CursorHook.invocation(input)
        case .copilot: self = CopilotHook.invocation(input)
        case .geminiCLI: self = GeminiCLIHook.invocation(input)
        case .windsurf: self = WindsurfHook.invocation(input)
        }
    }

    /// An input that is not a JSON object, as the support path records it.
    public static func unreadable(agent: AgentKind, reason: String) -> HookInvocation {
        HookInvocation(agent: agent, event: "", action: .unrecognized(name: "(\(reason))"))
    }

    /// A path made absolute against the working directory (`~` is left to the evaluator).
    static func absolute(_ path: String, cwd: String) -> String {
        PathResolver(workingDirectory: cwd, home: "").absolute(path)
    }
}

/// A hook input's JSON object, read leniently: a missing or mistyped field reads as empty.
struct HookInput {
    let object: [String: Any]

    init(_ object: [String: Any]) { self.object = object }

    func string(_ key: String) -> String { object[key] as? String ?? "" }

    func strings(_ key: String) -> [String] { (object[key] as? [Any] ?? []).compactMap { $0 as? String } }

    /// A nested object; a string holding a JSON object is read too (Copilot's `toolArgs`).
    func object(_ key: String) -> HookInput {
        if let nested = object[key] as? [String: Any] { return HookInput(nested) }
        if let text = object[key] as? String, let data = text.data(using: .utf8),
            let nested = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        {
            return HookInput(nested)
        }
        return HookInput([:])
    }

    func has(_ key: String) -> Bool { object[key] != nil }
}

/// Building the action of a tool call from its input: a documented field that is missing
/// makes the call `unrecognized`, named by the tool and the field.
struct ToolCall {
    let name: String
    let input: HookInput
    let cwd: String

    /// `<event>/<tool>`: how an input not understood is named (names only, never values).
    static func unrecognizedName(event: String, tool: String, missing: String? = nil) -> String {
        let base = [String(event.prefix(64)), String(tool.prefix(128))].filter { !$0.isEmpty }.joined(separator: "/")
        return missing.map { "\(base) without \($0)" } ?? base
    }

    func shell(_ field: String, event: String) -> AgentAction {
        let command = input.string(field)
        return command.isEmpty ? missing(field, event: event) : .shell(command: command)
    }

    func read(_ fields: [String], event: String, defaultToCwd: Bool = false) -> AgentAction {
        guard let path = fields.lazy.map(input.string).first(where: { !$0.isEmpty }) ?? (defaultToCwd ? cwd : nil),
            !path.isEmpty
        else { return missing(fields[0], event: event) }
        return .readFile(path: HookInvocation.absolute(path, cwd: cwd))
    }

    func write(_ fields: [String], event: String) -> AgentAction {
        guard let path = fields.lazy.map(input.string).first(where: { !$0.isEmpty }) else {
            return missing(fields[0], event: event)
        }
        return .writeFile(path: HookInvocation.absolute(path, cwd: cwd))
    }

    func fetch(_ field: String, event: String) -> AgentAction {
        let url = input.string(field)
        return url.isEmpty ? missing(field, event: event) : .fetch(url: url)
    }

    func missing(_ field: String, event: String) -> AgentAction {
        .unrecognized(name: Self.unrecognizedName(event: event, tool: name, missing: field))
    }

    /// A tool no case of the protocol knows: an MCP tool when named `mcp__…`, else
    /// `unrecognized`.
    static func mcpOrUnrecognized(_ tool: String, event: String, field: String = "tool_name") -> AgentAction {
        mcp(tool) ?? .unrecognized(name: unrecognizedName(event: event, tool: tool.isEmpty ? "(no \(field))" : tool))
    }

    /// A prompt event: its text, or `unrecognized` when the field is missing.
    static func prompt(_ input: HookInput, _ field: String, event: String) -> AgentAction {
        input.has(field)
            ? .prompt(text: input.string(field))
            : .unrecognized(name: unrecognizedName(event: event, tool: "", missing: field))
    }

    /// An event the protocol does not know, named as the agent sent it.
    static func unknownEvent(_ event: String, field: String = "hook_event_name") -> AgentAction {
        .unrecognized(name: event.isEmpty ? "(no \(field))" : String(event.prefix(128)))
    }

    /// `mcp__<server>__<tool>` (Claude Code, Codex, Gemini CLI); a server name may itself
    /// contain `__` only before the last one. Nil when the name is not of that form.
    static func mcp(_ name: String) -> AgentAction? {
        guard name.hasPrefix("mcp__") else { return nil }
        let rest = name.dropFirst(5)
        guard let separator = rest.range(of: "__", options: .backwards), separator.lowerBound > rest.startIndex,
            separator.upperBound < rest.endIndex
        else { return nil }
        return .mcpTool(server: String(rest[..<separator.lowerBound]), tool: String(rest[separator.upperBound...]))
    }
}
