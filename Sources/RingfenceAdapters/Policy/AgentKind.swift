/// The coding agents Ringfence renders native configuration and hook answers for. Each
/// agent's files and hook protocol are described, with the documentation they follow, in
/// docs/agents.md.
public enum AgentKind: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// Anthropic's Claude Code: a `managed-settings.d` fragment (permissions, MCP lists,
    /// `PreToolUse` and `UserPromptSubmit` hooks).
    case claudeCode = "claude-code"
    /// Cursor: enterprise `hooks.json` (shell, MCP, reads, tab reads, every tool, prompts).
    case cursor
    /// GitHub Copilot (CLI and agents): enterprise `managed-settings.json` and a hook file
    /// (`preToolUse`, `userPromptSubmitted`).
    case copilot
    /// OpenAI Codex: `hooks.json` in a managed layer and `requirements.toml`.
    case codex
    /// Google's Gemini CLI: the system `settings.json` (`BeforeTool`, `BeforeAgent` hooks).
    case geminiCLI = "gemini-cli"
    /// Windsurf (Cascade): the system `hooks.json` (pre-read, pre-write, pre-run, pre-MCP,
    /// pre-prompt hooks).
    case windsurf

    /// The kind an agent reports (`AgentInstall.kind`), case-insensitive; nil when unknown.
    public init?(name: String) {
        self.init(rawValue: name.lowercased())
    }

    public var description: String { rawValue }
}
