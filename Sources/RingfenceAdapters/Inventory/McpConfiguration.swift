import Foundation
import RingfenceCore

/// Reads the MCP servers out of an agent's configuration file; pure (bytes in, servers
/// out), so every format is tested without a home directory. Each file names its servers
/// by key under one object; an entry has a `command` (with `args`) for a local server or
/// an address for a remote one. Environment variables and headers are never read: they
/// hold secrets.
///
/// Where each agent keeps them and how it spells an address (pages read 2026-12-02):
/// - Claude Code (<https://code.claude.com/docs/en/mcp>, "MCP installation scopes" and
///   "Managed MCP configuration"): `mcpServers` at the top of `~/.claude.json` (user
///   scope) and under `projects.<path>.mcpServers` (local scope, reported as `user`: it is
///   the user's own file), `.mcp.json` at a project's root (project scope), and
///   `managed-mcp.json` in the managed settings directory; `url` with `type` `http` or `sse`.
/// - Cursor (<https://cursor.com/docs/mcp>): `mcpServers` in `~/.cursor/mcp.json` and in a
///   project's `.cursor/mcp.json`; `url`.
/// - GitHub Copilot CLI (<https://docs.github.com/en/copilot/how-tos/copilot-cli/customize-copilot/add-mcp-servers>):
///   `mcpServers` in `~/.copilot/mcp-config.json`; `type` `local`/`stdio`, `http` or `sse`, `url`.
/// - Codex (<https://developers.openai.com/codex/mcp>): `[mcp_servers.<name>]` tables in
///   `~/.codex/config.toml` (and a trusted project's `.codex/config.toml`); `url` for
///   streamable HTTP.
/// - Gemini CLI (<https://github.com/google-gemini/gemini-cli/blob/main/docs/tools/mcp-server.md>):
///   `mcpServers` in `settings.json` (system, user `~/.gemini/settings.json`, project
///   `.gemini/settings.json`); `httpUrl` for streamable HTTP, `url` for SSE.
/// - Windsurf (<https://docs.windsurf.com/windsurf/cascade/mcp>): `mcpServers` in
///   `~/.codeium/windsurf/mcp_config.json`; `serverUrl` (or `url`) for a remote server.
public enum McpConfiguration {
    /// Where a configuration sits, as `McpServer.scope` names it.
    public enum Scope: String, Sendable, Hashable {
        /// Written by the administrator (MDM) where users cannot change it.
        case managed
        /// The user's own configuration.
        case user
        /// A repository's configuration, shared through version control.
        case project
    }

    /// The servers of a JSON file's `mcpServers` object (`path` picks a nested one, e.g.
    /// `["projects", "/home/alice/api"]`). A file that is not JSON, or has no such
    /// object, gives none.
    public static func servers(
        in data: [UInt8], agent: AgentKind, scope: Scope, path: [String] = []
    ) -> [HostInventory.MCPServer] {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(data))) as? [String: Any] else { return [] }
        return servers(in: object, key: "mcpServers", path: path, agent: agent, scope: scope)
    }

    /// The servers of a Codex `config.toml` (`[mcp_servers.<name>]`); none when the file
    /// is not TOML.
    public static func servers(inTOML data: [UInt8], agent: AgentKind, scope: Scope) -> [HostInventory.MCPServer] {
        guard let object = try? TOMLReader.parse(String(decoding: data, as: UTF8.self)) else { return [] }
        return servers(in: object, key: "mcp_servers", path: [], agent: agent, scope: scope)
    }

    static func servers(
        in document: [String: Any], key: String, path: [String], agent: AgentKind, scope: Scope
    ) -> [HostInventory.MCPServer] {
        var object = document
        for key in path {
            guard let next = object[key] as? [String: Any] else { return [] }
            object = next
        }
        guard let servers = object[key] as? [String: Any] else { return [] }
        return servers.keys.sorted().compactMap { name in
            guard let server = servers[name] as? [String: Any] else { return nil }
            let type = (server["type"] as? String)?.lowercased()
            func remote(_ url: String, _ transport: String) -> HostInventory.MCPServer {
                HostInventory.MCPServer(
                    agentKind: agent.rawValue, name: name, transport: transport, endpoint: redactedURL(url),
                    scope: scope.rawValue)
            }
            if let url = server["httpUrl"] as? String { return remote(url, "http") }
            if let url = server["serverUrl"] as? String { return remote(url, "http") }
            if let url = server["url"] as? String {
                // Gemini CLI's `url` is SSE (`httpUrl` is streamable HTTP); elsewhere `type` says.
                return remote(url, type == "sse" || (agent == .geminiCLI && type == nil) ? "sse" : "http")
            }
            guard let command = server["command"] as? String else { return nil }
            let arguments = (server["args"] as? [Any])?.compactMap { $0 as? String } ?? []
            return HostInventory.MCPServer(
                agentKind: agent.rawValue, name: name, transport: "stdio",
                endpoint: redactedCommand([command] + arguments), scope: scope.rawValue)
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

    /// A URL without user information, query or fragment, and with every path segment
    /// that looks like a key (16 characters or more, letters and digits mixed) as `***`:
    /// some services put the key in the path (`/mcp/<key>/sse`).
    static func redactedURL(_ text: String) -> String {
        guard var components = URLComponents(string: text) else { return "***" }
        components.user = nil
        components.password = nil
        components.query = nil
        components.fragment = nil
        components.percentEncodedPath = components.percentEncodedPath.split(
            separator: "/", omittingEmptySubsequences: false
        )
        .map { segment in
            segment.count >= 16 && segment.contains(where: \.isNumber) && segment.contains(where: \.isLetter)
                ? "***" : String(segment)
        }.joined(separator: "/")
        return components.string ?? "***"
    }
}
