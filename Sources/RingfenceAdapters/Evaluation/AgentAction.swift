import RingfenceCore

/// Something an agent is about to do, as far as Ringfence's surfaces are concerned.
public enum AgentAction: Sendable, Hashable {
    /// A shell command line, checked against `risky_shell` and `credential_exfiltration`
    /// as a whole, and against `sensitive_path_read` and `sensitive_path_write` with the
    /// files it reads and writes (`ShellCommandPaths`).
    case shell(command: String)
    /// Reading files or searching directories (absolute paths, or relative to the agent's
    /// working directory), checked against `sensitive_path_read`.
    case readFiles(paths: [String])
    /// Creating, editing or deleting files, checked against `sensitive_path_write`.
    case writeFiles(paths: [String])
    /// Calling an MCP tool, checked against `mcp_tool` as `server.tool`, and against
    /// `unapproved_mcp_server` with the server's name when the approved catalogue does not
    /// list it (an empty name — a server the agent does not name — is never listed).
    case mcpTool(server: String, tool: String)
    /// Fetching a URL with the agent's web tool, checked against `web_fetch` (the host,
    /// and the URL without its query).
    case fetch(url: String)
    /// A prompt the user submits, checked against `prompt_credential` word by word.
    case prompt(text: String)
    /// Hook input the adapter does not understand, named by the agent's raw tool or event
    /// name (never its arguments), checked against `unrecognized`.
    case unrecognized(name: String)

    /// Whether this is input the adapter did not understand.
    public var isUnrecognized: Bool {
        if case .unrecognized = self { return true }
        return false
    }

    /// The surfaces whose rules decide this action.
    public var surfaces: [Surface] {
        switch self {
        case .shell: [.riskyShell, .credentialExfiltration, .sensitivePathRead, .sensitivePathWrite]
        case .readFiles: [.sensitivePathRead]
        case .writeFiles: [.sensitivePathWrite]
        case .mcpTool: [.mcpTool, .unapprovedMcpServer]
        case .fetch: [.webFetch]
        case .prompt: [.promptCredential]
        case .unrecognized: [.unrecognized]
        }
    }

    /// A short description for the audit event that holds no secret: the program of a
    /// command (not its arguments), the file name of a read or write, the tool of an MCP
    /// call, the host of a fetch, the length of a prompt, the raw name of an input not
    /// understood.
    public var summary: String {
        switch self {
        case .shell(let command):
            let program =
                command.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.map(String.init) ?? ""
            return "shell: " + String(program.prefix(64))
        case .readFiles(let paths):
            return "read: " + Self.fileNames(paths)
        case .writeFiles(let paths):
            return "write: " + Self.fileNames(paths)
        case .mcpTool(let server, let tool):
            return "mcp: " + String("\(server).\(tool)".prefix(128))
        case .fetch(let url):
            return "fetch: " + String((WebAddress(url)?.host ?? "").prefix(128))
        case .prompt(let text):
            return "prompt: \(text.count) characters"
        case .unrecognized(let name):
            return "unrecognized: " + String(name.prefix(128))
        }
    }

    /// Reading one file.
    public static func readFile(path: String) -> AgentAction { .readFiles(paths: [path]) }
    /// Writing one file.
    public static func writeFile(path: String) -> AgentAction { .writeFiles(paths: [path]) }

    /// The first file's name, and how many others there are.
    static func fileNames(_ paths: [String]) -> String {
        guard let first = paths.first else { return "" }
        let name = String((first.split(separator: "/").last.map(String.init) ?? first).prefix(64))
        return paths.count > 1 ? "\(name) and \(paths.count - 1) more" : name
    }
}
