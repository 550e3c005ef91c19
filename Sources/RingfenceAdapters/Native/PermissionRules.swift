import RingfenceCore

/// The permission-rule syntax Claude Code (code.claude.com/docs/en/permissions) and GitHub
/// Copilot's enterprise managed settings (docs.github.com/en/copilot/reference/enterprise-
/// administrators/enterprise-managed-settings) share: `Tool(specifier)`, where a path
/// starting with `//` is absolute and `~/` is the home directory, and a command rule matches
/// a command with `*` wildcards. Both checked 2026-12-02.
struct PermissionRules: Sendable {
    /// The tool name of shell rules: `Bash` (Claude Code) or `Shell` (Copilot).
    var shell: String
    /// The rule for a web fetch host: `WebFetch(domain:h)` or `Domain(h)`; nil when none.
    var domain: (@Sendable (String) -> String)?
    /// MCP tool rules (`mcp__server__tool`, Claude Code only); nil when the agent has none.
    var mcpTools: Bool

    static let shellOperators = ["|", ";", "&", ">", "<", "`", "$("]

    func entry(_ surface: Surface, _ pattern: String) -> Result<String, RuleCoverage.Refusal> {
        switch surface {
        case .sensitivePathRead: return .success("Read(\(Self.path(pattern)))")
        case .sensitivePathWrite: return .success("Edit(\(Self.path(pattern)))")
        case .riskyShell, .credentialExfiltration:
            if let shellOperator = Self.shellOperators.first(where: { pattern.contains($0) }) {
                return .failure(
                    .init(
                        reason:
                            "\(shell) rules check each sub-command of a line on its own, so a pattern with '\(shellOperator)' cannot be one"
                    ))
            }
            if pattern.contains("?") { return .failure(.init(reason: "\(shell) rules have '*' but no '?' wildcard")) }
            return .success("\(shell)(\(pattern))")
        case .webFetch:
            guard let domain else { return .failure(.init(reason: "no native rule names a host")) }
            guard !pattern.contains("/"), !pattern.contains("?"), !pattern.dropFirst(2).contains("*"),
                !pattern.hasPrefix("*") || pattern.hasPrefix("*.")
            else {
                return .failure(
                    .init(reason: "host rules name a host (or '*.domain'); paths and wildcards are matched by the hook")
                )
            }
            return .success(domain(pattern))
        case .mcpTool:
            guard mcpTools else {
                return .failure(
                    .init(reason: "permission rules do not name MCP tools; whole servers are denied natively"))
            }
            let parts = pattern.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[0].isEmpty, !parts[0].contains("*"), !parts[0].contains("?") else {
                return .failure(
                    .init(reason: "MCP permission rules name a server; a wildcard server is matched by the hook"))
            }
            if parts[1] == "*" { return .success("mcp__\(parts[0])") }
            guard !parts[1].isEmpty, !parts[1].contains("*"), !parts[1].contains("?") else {
                return .failure(
                    .init(reason: "MCP permission rules name whole tools; a partial tool name is matched by the hook"))
            }
            return .success("mcp__\(parts[0])__\(parts[1])")
        case .unapprovedMcpServer:
            guard pattern == "*" else {
                return .failure(
                    .init(
                        reason:
                            "the native allowlist admits catalogue servers only; a name pattern is matched by the hook")
                )
            }
            return .success(Self.allowlistMarker)
        default:
            return .failure(.init(reason: "no permission rule speaks about '\(surface)'"))
        }
    }

    /// The entry standing for "the approved catalogue is the allowlist": an
    /// `unapproved_mcp_server` rule matching every server (`*`).
    static let allowlistMarker = "(allowedMcpServers)"

    /// Takes the allowlist marker out of a coverage: the catalogue's identities as
    /// `allowedMcpServers` entries (`serverCommand`, `serverUrl`) when every unapproved
    /// server is blocked; nil otherwise. Warned unapproved servers cannot be asked about
    /// natively: listed as the hook's.
    static func allowlist(_ coverage: inout RuleCoverage, policy: AgentPolicy) -> [JSONText]? {
        if coverage.ask.remove(allowlistMarker) != nil {
            for rule in policy.rules(of: .unapprovedMcpServer) where rule.level == .warn && rule.match.contains("*") {
                coverage.notNative.append(
                    NotNativeRule(
                        surface: .unapprovedMcpServer, pack: rule.pack, ruleID: rule.id, pattern: "*", level: .warn,
                        enforcement: .hook, reason: "an allowlist cannot ask; the hook asks at each call"))
            }
        }
        guard coverage.deny.remove(allowlistMarker) != nil else { return nil }
        return policy.mcpServers.map { server in
            if let command = server.command {
                return .object([("serverCommand", .array(command.map(JSONText.string)))])
            }
            return .object([("serverUrl", .string(server.url ?? ""))])
        }
    }

    /// `//` starts an absolute path, `~/` the home directory.
    static func path(_ pattern: String) -> String { pattern.hasPrefix("/") ? "/" + pattern : pattern }

    /// `deniedMcpServers` entries (`{"serverName": …}`) for block rules that name a whole
    /// server (`server.*`): the server is not even started.
    static func deniedServers(_ policy: AgentPolicy) -> [JSONText] {
        var names = Set<String>()
        for rule in policy.rules(of: .mcpTool) where rule.level == .block {
            for pattern in rule.match where pattern.hasSuffix(".*") {
                let name = pattern.dropLast(2)
                if !name.isEmpty, !name.contains("*"), !name.contains("?"), !name.contains(".") {
                    names.insert(String(name))
                }
            }
        }
        return names.sorted().map { .object([("serverName", .string($0))]) }
    }
}
