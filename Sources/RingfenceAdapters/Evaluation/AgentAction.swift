import RingfenceCore

/// Something an agent is about to do, as far as Ringfence's surfaces are concerned.
public enum AgentAction: Sendable, Hashable {
    /// A shell command line, checked against `risky_shell` and `credential_exfiltration`.
    case shell(command: String)
    /// Reading a file (an absolute path, or relative to the agent's working directory),
    /// checked against `sensitive_path_read`.
    case readFile(path: String)
    /// Calling an MCP tool, checked against `mcp_tool` as `server.tool`.
    case mcpTool(server: String, tool: String)

    /// The surfaces whose rules decide this action.
    public var surfaces: [Surface] {
        switch self {
        case .shell: [.riskyShell, .credentialExfiltration]
        case .readFile: [.sensitivePathRead]
        case .mcpTool: [.mcpTool]
        }
    }

    /// A short description for the audit event that holds no secret: the program of a
    /// command (not its arguments), the file name of a read, the tool of an MCP call.
    public var summary: String {
        switch self {
        case .shell(let command):
            let program =
                command.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.map(String.init) ?? ""
            return "shell: " + String(program.prefix(64))
        case .readFile(let path):
            let name = path.split(separator: "/").last.map(String.init) ?? path
            return "read: " + String(name.prefix(64))
        case .mcpTool(let server, let tool):
            return "mcp: " + String("\(server).\(tool)".prefix(128))
        }
    }
}
