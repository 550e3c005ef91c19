import RingfenceCore

/// Renders Gemini CLI's system `settings.json` (geminicli.com/docs/cli/enterprise and
/// /docs/hooks/reference, checked 2026-12-02; `/etc/gemini-cli/settings.json` on Linux,
/// which overrides user and workspace settings): `BeforeTool` and `BeforeAgent` command
/// hooks (timeout in milliseconds) and `security.disableYoloMode`.
///
/// Gemini CLI's MCP control is an allowlist of server names (`mcp.allowed`): when every
/// server the approved catalogue does not list is blocked (`unapproved_mcp_server` `*` at
/// `block`), it holds the catalogue's names; everything else is decided by the hook. Hooks cannot ask: a warning goes ahead
/// as a warn-candidate. Exit status 2 blocks and any other failure is only a warning, so
/// when any surface fails closed the command ends in `|| exit 2`.
public enum GeminiCLIAdapter {
    public static let fileName = "settings.json"
    public static let events = ["BeforeTool", "BeforeAgent"]

    public static func render(_ policy: AgentPolicy, options: AdapterOptions) -> NativeConfiguration {
        var coverage = RuleCoverage(
            policy,
            hook: { surface in
                switch surface {
                case .promptCredential: "BeforeAgent hook"
                case .webFetch: nil
                default: "BeforeTool hook"
                }
            },
            canAsk: { _ in false },
            native: { surface, pattern in
                surface == .unapprovedMcpServer && pattern == "*"
                    ? .success(PermissionRules.allowlistMarker)
                    : .failure(.init(reason: "Gemini CLI has no managed deny list"))
            })
        let allowed = PermissionRules.allowlist(&coverage, policy: policy) != nil
        let hook = JSONText.object([
            ("type", .string("command")),
            ("name", .string("ringfence")),
            ("command", .string(options.blockingHookCommand(for: .geminiCLI))),
            ("timeout", .number(options.hookTimeoutSeconds * 1000)),
        ])
        var settings: [(String, JSONText)] = [
            ("hooks", .object(events.map { ($0, JSONText.array([.object([("hooks", .array([hook]))])])) }))
        ]
        if options.disableBypassModes { settings.append(("security", .object([("disableYoloMode", .bool(true))]))) }
        if allowed {
            settings.append(("mcp", .object([("allowed", .array(policy.mcpServers.map { .string($0.name) }))])))
        }
        return NativeConfiguration(
            agent: .geminiCLI, files: [NativeFile(name: fileName, content: JSONText.object(settings).rendered)],
            notNative: coverage.notNative, hookFailsClosed: options.hookFailsClosed)
    }
}
