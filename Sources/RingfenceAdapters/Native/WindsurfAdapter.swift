import RingfenceCore

/// Renders Windsurf's system `hooks.json` (docs.windsurf.com/windsurf/cascade/hooks,
/// checked 2026-12-02; `/etc/windsurf/hooks.json` on Linux, run before user and workspace
/// hooks): the Ringfence hook on `pre_read_code`, `pre_write_code`, `pre_run_command`,
/// `pre_mcp_tool_use` and `pre_user_prompt`, with `show_output` so a refusal is shown.
///
/// Windsurf has no managed permission list, no `ask` and no hook timeout setting. A
/// pre-hook blocks by exiting with status 2 and any other failure lets the action through,
/// so when any surface fails closed the command ends in `|| exit 2`.
public enum WindsurfAdapter {
    public static let fileName = "hooks.json"
    public static var events: [String] { WindsurfHook.events }

    public static func render(_ policy: AgentPolicy, options: AdapterOptions) -> NativeConfiguration {
        let coverage = RuleCoverage(
            policy,
            hook: { surface in
                switch surface {
                case .riskyShell, .credentialExfiltration: "pre_run_command hook"
                case .sensitivePathRead: "pre_read_code hook and the files shell commands read"
                case .sensitivePathWrite: "pre_write_code hook and the files shell commands write"
                case .mcpTool: "pre_mcp_tool_use hook"
                case .promptCredential: "pre_user_prompt hook"
                case .unmanagedRepo, .unrecognized: "every hook"
                default: nil
                }
            },
            canAsk: { _ in false })
        let entry = JSONText.object([
            ("command", .string(options.blockingHookCommand(for: .windsurf))),
            ("show_output", .bool(true)),
        ])
        let file = JSONText.object([("hooks", .object(events.map { ($0, JSONText.array([entry])) }))])
        return NativeConfiguration(
            agent: .windsurf, files: [NativeFile(name: fileName, content: file.rendered)],
            notNative: coverage.notNative, hookFailsClosed: options.hookFailsClosed)
    }
}
