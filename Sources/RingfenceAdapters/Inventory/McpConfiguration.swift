import Foundation

/// Reads the MCP servers out of an agent's configuration file; pure (bytes in, entries
/// out), so every format is tested without a home directory.
///
/// Claude Code (<https://code.claude.com/docs/en/mcp>, "MCP installation scopes" and
/// "Managed MCP configuration", checked 2026-12-02): `mcpServers` at the top of
/// `~/.claude.json` (user scope) and under `projects.<path>.mcpServers` (local scope,
/// reported as `user`: it is the user's own file), `.mcp.json` at a project's root
/// (project scope), and `managed-mcp.json` in the managed settings directory. Cursor
/// (<https://cursor.com/docs/mcp>, checked 2026-12-02): `mcpServers` in `~/.cursor/mcp.json`
/// (global) and `.cursor/mcp.json` in a project. An entry has a `command` (with `args`)
/// for a local server or a `url` for a remote one, and an optional `type` (`stdio`,
/// `http`, `sse`). Environment variables and headers are never read: they hold secrets.
public enum McpConfiguration {
    /// The servers of one file's `mcpServers` object (`path` picks a nested one, e.g.
    /// `["projects", "/home/alice/api"]`). A file that is not JSON, or has no such object,
    /// gives none.
    public static func servers(
        in data: [UInt8], agent: AgentKind, scope: McpServerEntry.Scope, path: [String] = []
    ) -> [McpServerEntry] {
        guard var object = (try? JSONSerialization.jsonObject(with: Data(data))) as? [String: Any] else { return [] }
        for key in path {
            guard let next = object[key] as? [String: Any] else { return [] }
            object = next
        }
        guard let servers = object["mcpServers"] as? [String: Any] else { return [] }
        return servers.keys.sorted().compactMap { name in
            guard let server = servers[name] as? [String: Any] else { return nil }
            let type = (server["type"] as? String)?.lowercased()
            if let url = server["url"] as? String {
                return McpServerEntry(
                    agent: agent, name: name, transport: type == "sse" ? "sse" : "http", endpoint: redactedURL(url),
                    scope: scope)
            }
            guard let command = server["command"] as? String else { return nil }
            let arguments = (server["args"] as? [Any])?.compactMap { $0 as? String } ?? []
            return McpServerEntry(
                agent: agent, name: name, transport: "stdio",
                endpoint: redactedCommand([command] + arguments), scope: scope)
        }
    }

    /// The project paths `~/.claude.json` keeps local-scope settings for.
    public static func claudeProjects(in data: [UInt8]) -> [String] {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(data))) as? [String: Any],
            let projects = object["projects"] as? [String: Any]
        else { return [] }
        return projects.keys.sorted()
    }

    static let secretWords = ["token", "secret", "password", "passwd", "apikey", "api-key", "api_key", "key="]

    /// A command line with every argument that names or follows a secret replaced by `***`.
    static func redactedCommand(_ words: [String]) -> String {
        var result: [String] = []
        var hideNext = false
        for word in words {
            let lower = word.lowercased()
            let secret = secretWords.contains { lower.contains($0) }
            if hideNext {
                result.append("***")
                hideNext = false
            } else if secret && lower.hasPrefix("-") && !lower.contains("=") {
                result.append(word)
                hideNext = true
            } else if secret {
                result.append(lower.hasPrefix("-") ? word.prefix { $0 != "=" } + "=***" : "***")
            } else {
                result.append(word)
            }
        }
        return result.joined(separator: " ")
    }

    /// A URL without user information, query or fragment.
    static func redactedURL(_ text: String) -> String {
        guard var components = URLComponents(string: text) else { return "***" }
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        return components.string ?? "***"
    }
}
