import RingfenceCore

/// Renders OpenAI Codex's managed hooks (developers.openai.com/codex/hooks, checked
/// 2026-12-02): `hooks.json` in a managed configuration layer, with `PreToolUse` (Bash,
/// `apply_patch` and MCP tools) and `UserPromptSubmit` command hooks, and, with
/// `managedHooksOnly`, `requirements.toml` setting `allow_managed_hooks_only = true` so
/// user and project hooks are ignored.
///
/// Codex has no native permission list Ringfence can write rules into, so every rule is
/// decided by the hook; it documents no `ask` for hooks (a warning goes ahead as a
/// warn-candidate). A hook exiting with status 2 blocks; when any surface fails closed the
/// command ends in `|| exit 2`, so a missing or crashing hook blocks too.
public enum CodexAdapter {
    public static let hooksFileName = "hooks.json"
    public static let requirementsFileName = "requirements.toml"
    public static let events = ["PreToolUse", "UserPromptSubmit"]

    public static func render(_ policy: AgentPolicy, options: AdapterOptions) -> NativeConfiguration {
        let coverage = RuleCoverage(
            policy,
            hook: { surface in
                switch surface {
                case .sensitivePathRead:
                    "PreToolUse hook, through the files Bash commands read (Codex reads files with its shell)"
                case .webFetch: nil
                case .promptCredential: "UserPromptSubmit hook"
                default: "PreToolUse hook"
                }
            },
            canAsk: { _ in false })
        let hook = JSONText.object([
            ("type", .string("command")),
            ("command", .string(options.blockingHookCommand(for: .codex))),
            ("timeout", .number(options.hookTimeoutSeconds)),
        ])
        let hooks = JSONText.object([
            ("hooks", .object(events.map { ($0, JSONText.array([.object([("hooks", .array([hook]))])])) }))
        ])
        var files = [NativeFile(name: hooksFileName, content: hooks.rendered)]
        if options.managedHooksOnly {
            files.append(
                NativeFile(
                    name: requirementsFileName,
                    content: "# Rendered by Ringfence: only managed hooks run.\nallow_managed_hooks_only = true\n"))
        }
        return NativeConfiguration(
            agent: .codex, files: files, notNative: coverage.notNative, hookFailsClosed: options.hookFailsClosed)
    }
}
