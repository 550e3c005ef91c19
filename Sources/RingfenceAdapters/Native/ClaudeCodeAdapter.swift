import RingfenceCore

/// Renders Claude Code's `managed-settings.json` from a policy.
///
/// - `block` rules become `permissions.deny` entries, `warn` rules `permissions.ask`
///   entries, where Claude Code's rule syntax can say the same thing: `Read(…)` for path
///   globs, `Bash(…)` for command patterns without shell operators, `mcp__server` and
///   `mcp__server__tool` for MCP tools named without wildcards (or `server.*`).
/// - A `PreToolUse` hook on `Bash`, `Read` and MCP tools runs `ringfence hook`, which
///   decides everything (also what is native) and records the audit event; `observe`
///   rules live only there.
///
/// Written against Claude Code's settings as documented at code.claude.com/docs/en/settings,
/// /permissions and /hooks (November 2026; see docs/agents.md).
public enum ClaudeCodeAdapter {
    /// The file name Claude Code reads (`/etc/claude-code/managed-settings.json` on Linux).
    public static let fileName = "managed-settings.json"
    /// Tools the hook is registered for.
    public static let hookMatcher = "Bash|Read|mcp__.*"

    public static func render(_ policy: AgentPolicy, options: AdapterOptions) -> NativeConfiguration {
        var deny = Set<String>()
        var ask = Set<String>()
        var notNative: [NotNativeRule] = []
        for surface in policy.surfaces {
            for rule in surface.rules {
                for pattern in rule.match {
                    switch nativeEntry(surface: surface.surface, pattern: pattern) {
                    case .success(let entry):
                        switch rule.level {
                        case .block: deny.insert(entry)
                        case .warn: ask.insert(entry)
                        case .observe, .off: break
                        }
                    case .failure(let refusal):
                        notNative.append(
                            NotNativeRule(
                                surface: surface.surface, pack: rule.pack, ruleID: rule.id, pattern: pattern,
                                level: rule.level, enforcement: refusal.enforcement, reason: refusal.reason))
                    }
                }
            }
        }
        // An entry both denied and asked is denied (Claude Code checks deny first anyway).
        ask.subtract(deny)
        var settings: [(String, JSONText)] = [
            ("$schema", .string("https://json.schemastore.org/claude-code-settings.json")),
            (
                "permissions",
                .object([
                    ("deny", .array(deny.sorted().map(JSONText.string))),
                    ("ask", .array(ask.sorted().map(JSONText.string))),
                ])
            ),
            (
                "hooks",
                .object([
                    (
                        "PreToolUse",
                        .array([
                            .object([
                                ("matcher", .string(hookMatcher)),
                                (
                                    "hooks",
                                    .array([
                                        .object([
                                            ("type", .string("command")),
                                            ("command", .string(options.hookCommand(for: .claudeCode))),
                                            ("timeout", .number(options.hookTimeoutSeconds)),
                                        ])
                                    ])
                                ),
                            ])
                        ])
                    )
                ])
            ),
        ]
        if options.managedHooksOnly { settings.append(("allowManagedHooksOnly", .bool(true))) }
        return NativeConfiguration(
            agent: .claudeCode, files: [NativeFile(name: fileName, content: JSONText.object(settings).rendered)],
            notNative: notNative)
    }

    struct Refusal: Error {
        var enforcement: NotNativeRule.Enforcement
        var reason: String
    }

    /// Claude Code's permission rule for one pattern of a surface.
    static func nativeEntry(surface: Surface, pattern: String) -> Result<String, Refusal> {
        switch surface {
        case .sensitivePathRead:
            // Claude Code: `//` starts an absolute path, `~/` the home directory.
            let path = pattern.hasPrefix("/") ? "/" + pattern : pattern
            return .success("Read(\(path))")
        case .riskyShell, .credentialExfiltration:
            if let shellOperator = shellOperators.first(where: { pattern.contains($0) }) {
                return .failure(
                    Refusal(
                        enforcement: .hook,
                        reason:
                            "Claude Code checks each sub-command of a line on its own, so a pattern with '\(shellOperator)' cannot be a Bash rule"
                    ))
            }
            if pattern.contains("?") {
                return .failure(Refusal(enforcement: .hook, reason: "Bash rules have '*' but no '?' wildcard"))
            }
            return .success("Bash(\(pattern))")
        case .mcpTool:
            let parts = pattern.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[0].contains("*"), !parts[0].contains("?") else {
                return .failure(
                    Refusal(
                        enforcement: .hook,
                        reason: "MCP permission rules name a server; a wildcard server is matched by the hook"))
            }
            if parts[1] == "*" { return .success("mcp__\(parts[0])") }
            guard !parts[1].isEmpty, !parts[1].contains("*"), !parts[1].contains("?") else {
                return .failure(
                    Refusal(
                        enforcement: .hook,
                        reason: "MCP permission rules name whole tools; a partial tool name is matched by the hook"))
            }
            return .success("mcp__\(parts[0])__\(parts[1])")
        case .unmanagedRepo:
            return .failure(
                Refusal(
                    enforcement: .none,
                    reason: "repository trust is part of the resolution (the host's repos), not a per-action check"))
        default:
            return .failure(
                Refusal(enforcement: .none, reason: "no Claude Code setting or hook input speaks about '\(surface)'"))
        }
    }

    static let shellOperators = ["|", ";", "&", ">", "<", "`", "$("]
}
