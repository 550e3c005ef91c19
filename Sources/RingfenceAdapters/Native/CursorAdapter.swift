import RingfenceCore

/// Renders Cursor's `hooks.json` from a policy.
///
/// Cursor has no managed permission list, so every rule is decided by `ringfence hook`,
/// registered on `beforeShellExecution`, `beforeMCPExecution` and `beforeReadFile`: `block`
/// answers `deny`, `warn` answers `ask` (reads cannot ask: a warned read goes ahead and is
/// recorded as a warn-candidate), `observe` only records.
///
/// Written against Cursor's hooks as documented at cursor.com/docs/agent/hooks (version 1
/// of the file, November 2026; see docs/agents.md).
public enum CursorAdapter {
    /// The file name Cursor reads (`/etc/cursor/hooks.json` for enterprise hooks on Linux).
    public static let fileName = "hooks.json"
    /// The hook events Ringfence registers, in file order.
    public static let events = ["beforeShellExecution", "beforeMCPExecution", "beforeReadFile"]

    public static func render(_ policy: AgentPolicy, options: AdapterOptions) -> NativeConfiguration {
        var notNative: [NotNativeRule] = []
        for surface in policy.surfaces {
            for rule in surface.rules {
                let (enforcement, reason): (NotNativeRule.Enforcement, String)
                switch surface.surface {
                case .riskyShell, .credentialExfiltration:
                    (enforcement, reason) = (.hook, "beforeShellExecution hook")
                case .mcpTool:
                    (enforcement, reason) = (
                        .hook,
                        "beforeMCPExecution hook; Cursor names the tool, not its server, so 'server.' patterns see an empty server"
                    )
                case .sensitivePathRead:
                    (enforcement, reason) =
                        rule.level == .warn
                        ? (
                            .hook,
                            "beforeReadFile can only allow or deny: the read goes ahead and is recorded as a warn-candidate"
                        )
                        : (.hook, "beforeReadFile hook")
                case .unmanagedRepo:
                    (enforcement, reason) = (
                        .none, "repository trust is part of the resolution (the host's repos), not a per-action check"
                    )
                default:
                    (enforcement, reason) = (.none, "no Cursor hook input speaks about '\(surface.surface)'")
                }
                notNative.append(
                    NotNativeRule(
                        surface: surface.surface, pack: rule.pack, ruleID: rule.id, pattern: nil,
                        level: rule.level, enforcement: enforcement, reason: reason))
            }
        }
        let command = options.hookCommand(for: .cursor)
        let hooks = JSONText.object(
            events.map { event in
                (event, JSONText.array([.object([("command", .string(command))])]))
            })
        let file = JSONText.object([("version", .number(1)), ("hooks", hooks)])
        return NativeConfiguration(
            agent: .cursor, files: [NativeFile(name: fileName, content: file.rendered)], notNative: notNative)
    }
}
