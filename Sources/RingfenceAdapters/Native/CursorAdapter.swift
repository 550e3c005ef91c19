import RingfenceCore

/// Renders Cursor's enterprise `hooks.json` from a policy (cursor.com/docs/agent/hooks,
/// version 1 of the file, checked 2026-12-02).
///
/// Cursor has no managed permission list, so every rule is decided by the Ringfence hook,
/// registered on `beforeShellExecution`, `beforeMCPExecution`, `beforeReadFile`,
/// `beforeTabFileRead` (Tab completion's reads), `preToolUse` (writes, searches and every
/// tool Cursor adds) and `beforeSubmitPrompt`, each with the hook timeout and, when any
/// surface fails closed, `failClosed: true` (a hook that crashes, times out or answers
/// nothing valid blocks). `block` answers `deny`, `warn` answers `ask` (reads cannot ask:
/// a warned read goes ahead and is recorded as a warn-candidate), `observe` only records.
public enum CursorAdapter {
    /// The file name Cursor reads (`/etc/cursor/hooks.json` for enterprise hooks on Linux).
    public static let fileName = "hooks.json"
    /// The hook events Ringfence registers, in file order.
    public static var events: [String] { CursorHook.events }

    public static func render(_ policy: AgentPolicy, options: AdapterOptions) -> NativeConfiguration {
        let coverage = RuleCoverage(
            policy,
            hook: { surface in
                switch surface {
                case .riskyShell, .credentialExfiltration: "beforeShellExecution hook"
                case .sensitivePathRead:
                    "beforeReadFile, beforeTabFileRead and preToolUse (searches) hooks, and the files shell commands read"
                case .sensitivePathWrite:
                    "preToolUse hook (Write, Edit, StrReplace, Delete) and the files shell commands write"
                case .mcpTool:
                    "beforeMCPExecution hook; Cursor names the tool, not its server, so 'server.' patterns see an empty server"
                case .promptCredential: "beforeSubmitPrompt hook"
                case .unmanagedRepo: "every hook, with the repository of the workspace"
                case .unrecognized: "every hook: tools and events Cursor adds reach preToolUse"
                default: nil
                }
            },
            canAsk: { $0 != .sensitivePathRead && $0 != .promptCredential })
        var entry: [(String, JSONText)] = [
            ("command", .string(options.hookCommand(for: .cursor))),
            ("timeout", .number(options.hookTimeoutSeconds)),
        ]
        if options.hookFailsClosed { entry.append(("failClosed", .bool(true))) }
        let hooks = JSONText.object(events.map { ($0, JSONText.array([.object(entry)])) })
        let file = JSONText.object([("version", .number(1)), ("hooks", hooks)])
        return NativeConfiguration(
            agent: .cursor, files: [NativeFile(name: fileName, content: file.rendered)], notNative: coverage.notNative,
            hookFailsClosed: options.hookFailsClosed)
    }
}
