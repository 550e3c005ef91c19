/// The coding agents Ringfence renders native configuration and hook answers for.
public enum AgentKind: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// Anthropic's Claude Code: `managed-settings.json` (permissions, hooks).
    case claudeCode = "claude-code"
    /// Cursor: `hooks.json` (`beforeShellExecution`, `beforeMCPExecution`, `beforeReadFile`).
    case cursor
    /// GitHub Copilot: MCP access is an allowlist registry configured on github.com.
    case copilot

    /// The kind an agent reports (`AgentInstall.kind`), case-insensitive; nil when unknown.
    public init?(name: String) {
        self.init(rawValue: name.lowercased())
    }

    public var description: String { rawValue }
}
