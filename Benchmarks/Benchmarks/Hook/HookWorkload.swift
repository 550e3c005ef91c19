import RingfenceAdapters
import RingfenceCore

/// A large synthetic policy for the hook benchmark: `rules` rules spread over the four
/// hookable surfaces, each with three patterns of the shapes real packs use. Deterministic.
enum HookWorkload {
    static func large(rules count: Int) -> AgentPolicy {
        let surfaces: [Surface] = [.riskyShell, .credentialExfiltration, .sensitivePathRead, .mcpTool]
        var bySurface: [Surface: [AgentPolicy.Rule]] = [:]
        for index in 0..<count {
            let surface = surfaces[index % surfaces.count]
            let match: [String]
            switch surface {
            case .sensitivePathRead:
                match = ["**/secret-\(index).txt", "~/.config/tool-\(index)/**", "/etc/app-\(index)/*.key"]
            case .mcpTool: match = ["server\(index).delete_*", "*.tool_\(index)", "srv-\(index).*"]
            default: match = ["tool\(index) * --force*", "curl * -d *KEY_\(index)*", "deploy-\(index) * | sh"]
            }
            let level = Level.allCases[1 + index % 3]
            bySurface[surface, default: []].append(
                AgentPolicy.Rule(
                    pack: "pack-\(index / 50)", packVersion: 1, id: "R-\(index)", match: match,
                    level: level, uncappedLevel: level, risk: .high, description: "rule \(index)"))
        }
        return AgentPolicy(
            user: "bench", ring: 4, revision: 1, etag: "bench",
            surfaces: bySurface.map { surface, rules in
                AgentPolicy.SurfacePolicy(
                    surface: surface, level: rules.map(\.level).max()!, uncappedLevel: rules.map(\.level).max()!,
                    rules: rules)
            })
    }
}
