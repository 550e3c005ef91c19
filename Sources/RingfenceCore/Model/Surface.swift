/// A kind of agent action a rule governs, e.g. `risky_shell`.
///
/// An open string enum: the well-known surfaces are constants, and packs may name new
/// ones (lowercase letters, digits and `_`, starting with a letter).
public struct Surface: RawRepresentable, Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: String

    /// Creates a surface; nil when the name is not `[a-z][a-z0-9_]{0,63}`.
    public init?(rawValue: String) {
        guard Self.isValidName(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    private init(known: String) { rawValue = known }

    /// Reading files that may hold secrets (`.env`, `~/.ssh`, cloud credentials).
    public static let sensitivePathRead = Surface(known: "sensitive_path_read")
    /// Sending credentials or tokens out of the machine.
    public static let credentialExfiltration = Surface(known: "credential_exfiltration")
    /// Shell commands with destructive or remote-execution patterns.
    public static let riskyShell = Surface(known: "risky_shell")
    /// Calls to MCP tools that are not approved.
    public static let mcpTool = Surface(known: "mcp_tool")
    /// Agent work inside repositories the company does not manage.
    public static let unmanagedRepo = Surface(known: "unmanaged_repo")
    /// Writing files where secrets or system configuration live (`~/.ssh`, `/etc`, CI secrets).
    public static let sensitivePathWrite = Surface(known: "sensitive_path_write")
    /// Fetching a URL from the network through the agent's own web tool.
    public static let webFetch = Surface(known: "web_fetch")
    /// Credentials pasted into a prompt, which sends them to the model provider.
    public static let promptCredential = Surface(known: "prompt_credential")
    /// Calls to MCP servers the approved catalogue (`mcpServers:`) does not list; rules
    /// match the server's name.
    public static let unapprovedMcpServer = Surface(known: "unapproved_mcp_server")
    /// Hook input the adapter does not understand: a renamed tool, a new event, a missing
    /// field. Rules match the agent's raw tool or event name; without one the hook's fail
    /// mode decides.
    public static let unrecognized = Surface(known: "unrecognized")

    /// The surfaces Ringfence ships with.
    public static let wellKnown: [Surface] = [
        .sensitivePathRead, .credentialExfiltration, .riskyShell, .mcpTool, .unmanagedRepo, .sensitivePathWrite,
        .webFetch, .promptCredential, .unapprovedMcpServer, .unrecognized,
    ]

    /// Whether a string is a valid surface name.
    public static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 64, first >= 0x61, first <= 0x7A else { return false }
        return bytes.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }
    }

    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let surface = Surface(rawValue: name) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "invalid surface name '\(name)'"))
        }
        self = surface
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func < (lhs: Surface, rhs: Surface) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { rawValue }
}
