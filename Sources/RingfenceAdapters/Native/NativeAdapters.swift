/// The adapter of each agent kind: from a policy to the agent's native managed files.
public enum NativeAdapters {
    /// Renders the native configuration of an agent.
    public static func render(_ agent: AgentKind, policy: AgentPolicy, options: AdapterOptions) -> NativeConfiguration {
        switch agent {
        case .claudeCode: ClaudeCodeAdapter.render(policy, options: options)
        case .cursor: CursorAdapter.render(policy, options: options)
        case .copilot: CopilotAdapter.render(policy, options: options)
        case .codex: CodexAdapter.render(policy, options: options)
        case .geminiCLI: GeminiCLIAdapter.render(policy, options: options)
        case .windsurf: WindsurfAdapter.render(policy, options: options)
        }
    }
}
