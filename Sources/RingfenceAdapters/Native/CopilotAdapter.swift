import RingfenceCore

/// Renders GitHub Copilot's enterprise `managed-settings.json` and a hook file.
///
/// - `managed-settings.json` (docs.github.com/en/copilot/reference/enterprise-administrators/
///   enterprise-managed-settings, checked 2026-12-02; installed in Copilot's file-based
///   location, `/etc/github-copilot/` on Linux): `permissions.deny` and `permissions.ask`
///   with `Shell(…)`, `Read(…)`, `Edit(…)` and `Domain(…)` rules (`PermissionRules`),
///   `disableBypassPermissionsMode`, and `deniedMcpServers` for whole servers blocked.
/// - `hooks/ringfence.json` (docs.github.com/en/copilot/reference/hooks-reference, checked
///   2026-12-02): `preToolUse` and `userPromptSubmitted` command hooks (`bash`,
///   `timeoutSec`). Only `preToolUse` can refuse; prompts are recorded. Copilot documents no
///   way for a hook that fails to block, so the hook fails open.
public enum CopilotAdapter {
    public static let settingsFileName = "managed-settings.json"
    public static let hookFileName = "hooks/ringfence.json"
    public static let events = ["preToolUse", "userPromptSubmitted"]

    static let rules = PermissionRules(shell: "Shell", domain: { "Domain(\($0))" }, mcpTools: false)

    public static func render(_ policy: AgentPolicy, options: AdapterOptions) -> NativeConfiguration {
        var coverage = RuleCoverage(
            policy,
            hook: { surface in
                switch surface {
                case .mcpTool, .webFetch, .unapprovedMcpServer: nil
                case .promptCredential: "userPromptSubmitted hook (records only: Copilot prompts cannot be refused)"
                default: "preToolUse hook"
                }
            },
            canAsk: { $0 != .promptCredential }, native: rules.entry)
        let allowed = PermissionRules.allowlist(&coverage, policy: policy)
        var permissions: [(String, JSONText)] = [
            ("deny", .array(coverage.deny.sorted().map(JSONText.string))),
            ("ask", .array(coverage.ask.sorted().map(JSONText.string))),
        ]
        if options.disableBypassModes { permissions.append(("disableBypassPermissionsMode", .string("disable"))) }
        var settings: [(String, JSONText)] = [("permissions", .object(permissions))]
        let denied = PermissionRules.deniedServers(policy)
        if !denied.isEmpty { settings.append(("deniedMcpServers", .array(denied))) }
        if let allowed { settings.append(("allowedMcpServers", .array(allowed))) }
        let hook = JSONText.object([
            ("type", .string("command")),
            ("bash", .string(options.hookCommand(for: .copilot))),
            ("timeoutSec", .number(options.hookTimeoutSeconds)),
        ])
        let hooks = JSONText.object([
            ("version", .number(1)),
            ("hooks", .object(events.map { ($0, JSONText.array([hook])) })),
        ])
        return NativeConfiguration(
            agent: .copilot,
            files: [
                NativeFile(name: settingsFileName, content: JSONText.object(settings).rendered),
                NativeFile(name: hookFileName, content: hooks.rendered),
            ],
            notNative: coverage.notNative, hookFailsClosed: false)
    }
}
