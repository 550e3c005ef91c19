/// An MCP server of the approved catalogue (`mcpServers:` in the policy files): a name and
/// the identity that makes it that server — the command that starts a local (stdio) server,
/// or the URL of a remote one (`*` matching any characters). A name alone proves nothing:
/// anyone can call their server `github`.
///
/// Calls to servers the catalogue does not approve are what `unapproved_mcp_server` rules
/// decide; the catalogue is also rendered into the agents' native allowlists.
public struct ApprovedMcpServer: Sendable, Hashable, Codable {
    public var name: String
    /// The command and its arguments, exactly (`["npx", "-y", "@modelcontextprotocol/server-github"]`).
    public var command: [String]?
    /// The server's URL, or a pattern of it (`https://mcp.example.com/*`).
    public var url: String?

    public init(name: String, command: [String]? = nil, url: String? = nil) {
        self.name = name
        self.command = command
        self.url = url
    }

    /// Whether a server started with `command` (split into words) is this one.
    public func matches(command words: [String]) -> Bool { command == words }

    /// Whether a server at `address` is this one.
    public func matches(url address: String) -> Bool {
        guard let url else { return false }
        return Glob(command: url).matches(address)
    }
}

extension Array where Element == ApprovedMcpServer {
    /// Whether the catalogue approves a server by name (case-insensitive).
    public func approves(name: String) -> Bool {
        let lowered = name.lowercased()
        return contains { $0.name.lowercased() == lowered }
    }

    /// The catalogue's name for a server known by its identity; nil when none matches.
    public func name(command: [String]?, url: String?) -> String? {
        first { server in
            (command.map { server.matches(command: $0) } ?? false) || (url.map { server.matches(url: $0) } ?? false)
        }?.name
    }
}
