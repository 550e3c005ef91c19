import Foundation

/// The model provider an agent's configuration files select; pure (file contents in, a
/// name out), "" when the files do not say (the agent's default, or a choice made in the
/// environment, which a workstation cannot see). Files are given highest precedence
/// first; the first that says wins. Pages read 2026-12-02:
/// - Claude Code: `env` in a settings file with `CLAUDE_CODE_USE_BEDROCK`,
///   `CLAUDE_CODE_USE_VERTEX` or `CLAUDE_CODE_USE_FOUNDRY` set to `1`
///   (<https://docs.claude.com/en/docs/claude-code/bedrock-vertex-proxies>,
///   <https://code.claude.com/docs/en/microsoft-foundry>; `env` in
///   <https://code.claude.com/docs/en/settings>) → `bedrock`, `vertex`, `foundry`.
/// - Codex: `model_provider` at the top of `config.toml` (a built-in or
///   `[model_providers.<id>]` id; <https://developers.openai.com/codex/config-reference>).
/// - Gemini CLI: `security.auth.enforcedType`, else `security.auth.selectedType`
///   (`oauth-personal`, `gemini-api-key`, `vertex-ai`, …;
///   <https://github.com/google-gemini/gemini-cli/blob/main/docs/reference/configuration.md>).
public enum AgentProvider {
    static let claudeVariables = [
        ("CLAUDE_CODE_USE_BEDROCK", "bedrock"), ("CLAUDE_CODE_USE_VERTEX", "vertex"),
        ("CLAUDE_CODE_USE_FOUNDRY", "foundry"),
    ]

    /// Claude Code's provider from its settings files (managed first, then the user's).
    public static func claudeCode(settings files: [[UInt8]]) -> String {
        for file in files {
            guard let environment = json(file)?["env"] as? [String: Any] else { continue }
            for (variable, provider) in claudeVariables {
                let value =
                    (environment[variable] as? String)?.lowercased() ?? (environment[variable] as? Int).map(String.init)
                if value == "1" || value == "true" { return provider }
            }
        }
        return ""
    }

    /// Codex's provider from its `config.toml` files (managed first).
    public static func codex(configs files: [[UInt8]]) -> String {
        for file in files {
            let document = try? TOMLReader.parse(String(decoding: file, as: UTF8.self))
            if let provider = document?["model_provider"] as? String, !provider.isEmpty { return provider }
        }
        return ""
    }

    /// Gemini CLI's authentication type from its settings files (system first): an
    /// enforced type in any file wins over a selected one.
    public static func geminiCLI(settings files: [[UInt8]]) -> String {
        let auth = files.compactMap { ((json($0)?["security"] as? [String: Any])?["auth"]) as? [String: Any] }
        for key in ["enforcedType", "selectedType"] {
            if let type = auth.lazy.compactMap({ $0[key] as? String }).first(where: { !$0.isEmpty }) { return type }
        }
        return ""
    }

    static func json(_ data: [UInt8]) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(data))) as? [String: Any]
    }
}
