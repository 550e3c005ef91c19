import RingfenceCore

/// GitHub Copilot: no file is rendered. Copilot's MCP control is an allowlist — an MCP
/// registry URL and "registry only" access set by organisation owners on github.com
/// (docs.github.com/copilot/how-tos/administer-copilot/configure-mcp-server-access) —
/// while Ringfence rules name what to refuse, and Copilot runs no local hook Ringfence can
/// answer. Every rule is therefore listed as not enforced on the workstation; the fleet
/// view and reports still show Copilot hosts and their MCP servers.
public enum CopilotAdapter {
    public static func render(_ policy: AgentPolicy, options: AdapterOptions) -> NativeConfiguration {
        let notNative = policy.surfaces.flatMap { surface in
            surface.rules.map { rule in
                NotNativeRule(
                    surface: surface.surface, pack: rule.pack, ruleID: rule.id, pattern: nil, level: rule.level,
                    enforcement: .none,
                    reason: "Copilot's MCP allowlist is a registry set on github.com, and it runs no local hook")
            }
        }
        return NativeConfiguration(agent: .copilot, files: [], notNative: notNative)
    }
}
