import RingfenceCore

/// Renders Claude Code's managed settings from a policy, as a drop-in fragment
/// (`managed-settings.d/ringfence.json`) beside an organisation's own
/// `managed-settings.json`, which Claude Code merges on top of it (arrays concatenated,
/// objects merged; code.claude.com/docs/en/settings, checked 2026-12-02).
///
/// - `block` rules become `permissions.deny` entries, `warn` rules `permissions.ask`, where
///   Claude Code's rule syntax can say the same thing (`PermissionRules`): `Read(…)` and
///   `Edit(…)` for paths, `Bash(…)` for command patterns without shell operators,
///   `WebFetch(domain:…)` for hosts, `mcp__server` and `mcp__server__tool` for MCP tools;
///   whole MCP servers blocked (`server.*`) are also `deniedMcpServers`.
/// - A `PreToolUse` hook on every tool (`*`) and a `UserPromptSubmit` hook run the
///   Ringfence hook, which decides everything (also what is native), records the audit
///   event, and names tools it does not know `unrecognized`. With `onFailure: "block"`
///   (when any surface fails closed) a hook that cannot start, times out or crashes
///   blocks the action.
/// - `permissions.disableBypassPermissionsMode: "disable"` keeps `ask` answers asked.
public enum ClaudeCodeAdapter {
    /// The file, relative to Claude Code's managed directory (`/etc/claude-code` on Linux).
    public static let fileName = "managed-settings.d/ringfence.json"
    /// Tools the `PreToolUse` hook is registered for: all of them.
    public static let hookMatcher = "*"

    static let rules = PermissionRules(shell: "Bash", domain: { "WebFetch(domain:\($0))" }, mcpTools: true)

    public static func render(_ policy: AgentPolicy, options: AdapterOptions) -> NativeConfiguration {
        var coverage = RuleCoverage(
            policy, hook: { _ in "the PreToolUse hook sees every tool, the UserPromptSubmit hook every prompt" },
            canAsk: { $0 != .promptCredential }, native: rules.entry)
        var hook: [(String, JSONText)] = [
            ("type", .string("command")),
            ("command", .string(options.hookCommand(for: .claudeCode))),
            ("timeout", .number(options.hookTimeoutSeconds)),
        ]
        if options.hookFailsClosed { hook.append(("onFailure", .string("block"))) }
        let allowed = PermissionRules.allowlist(&coverage, policy: policy)
        var permissions: [(String, JSONText)] = [
            ("deny", .array(coverage.deny.sorted().map(JSONText.string))),
            ("ask", .array(coverage.ask.sorted().map(JSONText.string))),
        ]
        if options.disableBypassModes { permissions.append(("disableBypassPermissionsMode", .string("disable"))) }
        var settings: [(String, JSONText)] = [
            ("$schema", .string("https://json.schemastore.org/claude-code-settings.json")),
            ("permissions", .object(permissions)),
            (
                "hooks",
                .object([
                    (
                        "PreToolUse",
                        .array([.object([("matcher", .string(hookMatcher)), ("hooks", .array([.object(hook)]))])])
                    ),
                    ("UserPromptSubmit", .array([.object([("hooks", .array([.object(hook)]))])])),
                ])
            ),
        ]
        let denied = PermissionRules.deniedServers(policy)
        if !denied.isEmpty { settings.append(("deniedMcpServers", .array(denied))) }
        if let allowed {
            settings += [("allowedMcpServers", .array(allowed)), ("allowManagedMcpServersOnly", .bool(true))]
        }
        if options.managedHooksOnly { settings.append(("allowManagedHooksOnly", .bool(true))) }
        return NativeConfiguration(
            agent: .claudeCode, files: [NativeFile(name: fileName, content: JSONText.object(settings).rendered)],
            notNative: coverage.notNative, hookFailsClosed: options.hookFailsClosed)
    }
}
