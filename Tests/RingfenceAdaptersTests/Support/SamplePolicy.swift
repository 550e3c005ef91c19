import Foundation
import RingfenceCore

@testable import RingfenceAdapters

/// The example packs (examples/policy/packs.yaml) as an agent in ring 3 holds them:
/// shell and secrets rules at their own levels, MCP rules capped to observe.
enum SamplePolicy {
    static func rule(
        _ pack: String, _ id: String, _ match: [String], _ level: Level, uncapped: Level? = nil,
        risk: Rule.Risk = .high, _ description: String = ""
    ) -> AgentPolicy.Rule {
        AgentPolicy.Rule(
            pack: pack, packVersion: 1, id: id, match: match, level: level, uncappedLevel: uncapped ?? level,
            risk: risk,
            description: description)
    }

    static let policy = AgentPolicy(
        user: "alice", ring: 3, revision: 42, etag: "etag-sample",
        surfaces: [
            .init(
                surface: .sensitivePathRead, level: .block, uncappedLevel: .block,
                rules: [
                    rule(
                        "secrets-baseline", "SP-1", ["**/.env", "**/.env.*"], .block,
                        "Reading dotenv files exposes application secrets."),
                    rule(
                        "secrets-baseline", "SP-2", ["~/.ssh/**", "~/.aws/credentials", "/etc/shadow"], .block,
                        risk: .critical,
                        "Reading SSH keys or cloud credentials."),
                    rule("secrets-baseline", "SP-3", ["**/*.pem"], .warn, "Reading private keys."),
                ]),
            .init(
                surface: .credentialExfiltration, level: .block, uncappedLevel: .block,
                rules: [
                    rule(
                        "secrets-baseline", "CE-1", ["curl * -d *TOKEN*", "* | nc *"], .block, risk: .critical,
                        "Sending credentials to a remote host.")
                ]),
            .init(
                surface: .riskyShell, level: .block, uncappedLevel: .block,
                rules: [
                    rule(
                        "shell-baseline", "RS-1", ["rm -rf /*", "rm -rf ~*", "mkfs*"], .block, risk: .critical,
                        "Deleting the file system."),
                    rule(
                        "shell-baseline", "RS-2", ["curl * | sh", "wget * | sh"], .warn,
                        "Running a script straight from the network."),
                    rule(
                        "shell-baseline", "RS-3", ["git push --force*", "git push -f*"], .observe, uncapped: .warn,
                        risk: .medium,
                        "Rewriting shared history."),
                    rule("shell-baseline", "RS-4", ["terraform destro?"], .block, "Destroying infrastructure."),
                ]),
            .init(
                surface: .mcpTool, level: .observe, uncappedLevel: .block,
                rules: [
                    rule(
                        "mcp-governance", "MCP-1", ["github.delete_*", "*.drop_database", "prod-db.*"], .observe,
                        uncapped: .block,
                        risk: .critical, "Destructive MCP tools."),
                    rule(
                        "mcp-governance", "MCP-2", ["postgres.execute_sql"], .warn,
                        "Direct database access through MCP."),
                ]),
            .init(
                surface: .sensitivePathWrite, level: .block, uncappedLevel: .block,
                rules: [
                    rule(
                        "secrets-baseline", "SW-1", ["~/.ssh/**", "/etc/**"], .block, risk: .critical,
                        "Writing SSH or system configuration.")
                ]),
            .init(
                surface: .promptCredential, level: .block, uncappedLevel: .block,
                rules: [
                    rule(
                        "secrets-baseline", "PC-1", ["AKIA????????????????", "ghp_*"], .block, risk: .critical,
                        "A cloud or GitHub key in a prompt goes to the model provider.")
                ]),
            .init(
                surface: .webFetch, level: .warn, uncappedLevel: .warn,
                rules: [rule("secrets-baseline", "WF-1", ["pastebin.com"], .warn, "Fetching from a paste site.")]),
            .init(
                surface: .unmanagedRepo, level: .warn, uncappedLevel: .warn,
                rules: [
                    rule(
                        "mcp-governance", "UR-1", ["**"], .warn, risk: .medium,
                        "Agent work in a repository the company does not manage.")
                ]),
        ])

    static let options = AdapterOptions(
        hookExecutable: "/usr/local/bin/ringfence-hook", cacheDirectory: "/var/lib/ringfence",
        failClosed: [.credentialExfiltration], managedHooksOnly: true)
}

/// Test fixtures under Tests/RingfenceAdaptersTests/Fixtures. Golden files are rewritten
/// from the code when RINGFENCE_UPDATE_GOLDEN=1 (then review the diff).
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static func data(_ path: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(path))
    }

    /// The golden file's text, after rewriting it when asked to.
    static func golden(_ path: String, actual: String) throws -> String {
        let url = directory.appendingPathComponent("golden").appendingPathComponent(path)
        if ProcessInfo.processInfo.environment["RINGFENCE_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: url)
        }
        return try String(contentsOf: url, encoding: .utf8)
    }
}
