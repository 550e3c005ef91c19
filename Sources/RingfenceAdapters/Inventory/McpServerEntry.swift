/// One MCP server an agent is configured with, as a heartbeat reports it: where the
/// configuration came from, how the agent reaches it, and its endpoint without secrets.
public struct McpServerEntry: Sendable, Hashable {
    /// Where a configuration sits, as `McpServer.scope` names it.
    public enum Scope: String, Sendable, Hashable {
        /// Written by the administrator (MDM) where users cannot change it.
        case managed
        /// The user's own configuration.
        case user
        /// A repository's configuration, shared through version control.
        case project
    }

    public var agent: AgentKind
    public var name: String
    /// `stdio`, `http` or `sse`.
    public var transport: String
    /// The command line (stdio) or URL (http, sse), secrets removed.
    public var endpoint: String
    public var scope: Scope

    public init(agent: AgentKind, name: String, transport: String, endpoint: String, scope: Scope) {
        self.agent = agent
        self.name = name
        self.transport = transport
        self.endpoint = endpoint
        self.scope = scope
    }
}
