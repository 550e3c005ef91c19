import Foundation
import RingfenceCore
import Testing

@testable import RingfenceAdapters

@Suite("Claude Code adapter")
struct ClaudeCodeAdapterTests {
    let configuration = ClaudeCodeAdapter.render(SamplePolicy.policy, options: SamplePolicy.options)

    @Test("managed-settings.json matches the golden file")
    func golden() throws {
        let file = try #require(configuration.files.first)
        #expect(configuration.files.map(\.name) == ["managed-settings.json"])
        #expect(file.content == (try Fixtures.golden("claude-code/managed-settings.json", actual: file.content)))
    }

    @Test("the file is JSON Claude Code can read: deny, ask and the PreToolUse hook")
    func parsed() throws {
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(configuration.files[0].content.utf8)) as? [String: Any])
        let permissions = try #require(object["permissions"] as? [String: [String]])
        #expect(permissions["deny"]?.contains("Read(**/.env)") == true)
        #expect(permissions["deny"]?.contains("Read(~/.ssh/**)") == true)
        #expect(
            permissions["deny"]?.contains("Read(//etc/shadow)") == true,
            "absolute paths start with // in Claude Code rules")
        #expect(permissions["deny"]?.contains("Bash(rm -rf /*)") == true)
        #expect(permissions["ask"]?.contains("Read(**/*.pem)") == true)
        #expect(permissions["ask"]?.contains("mcp__postgres__execute_sql") == true)
        // Observe (even capped from block) is never native: the hook records it.
        #expect(!(permissions["deny"] ?? []).contains { $0.hasPrefix("mcp__prod-db") })
        #expect(!(permissions["ask"] ?? []).contains { $0.contains("git push") })
        #expect(object["allowManagedHooksOnly"] as? Bool == true)
        let hooks = try #require(object["hooks"] as? [String: [[String: Any]]])
        let pre = try #require(hooks["PreToolUse"]?.first)
        #expect(pre["matcher"] as? String == "Bash|Read|mcp__.*")
        let command = try #require((pre["hooks"] as? [[String: Any]])?.first?["command"] as? String)
        #expect(
            command
                == "/usr/local/bin/ringfence-hook --agent claude-code --cache /var/lib/ringfence --fail-closed credential_exfiltration"
        )
    }

    @Test("what Claude Code cannot say is listed with what enforces it instead")
    func notNative() {
        let listed = Set(configuration.notNative.map { "\($0.ruleID) \($0.pattern ?? "*") \($0.enforcement)" })
        #expect(listed.contains("CE-1 * | nc * hook"), "pipes: Claude Code splits compound commands")
        #expect(listed.contains("RS-2 curl * | sh hook"))
        #expect(listed.contains("RS-4 terraform destro? hook"), "no ? in Bash rules")
        #expect(listed.contains("MCP-1 github.delete_* hook"))
        #expect(listed.contains("MCP-1 *.drop_database hook"))
        #expect(listed.contains("UR-1 ** none"))
        #expect(!listed.contains { $0.hasPrefix("SP-") }, "every path glob is native")
        #expect(
            configuration.notNative.first { $0.ruleID == "CE-1" }?.description.contains(
                "enforced by hook, not natively") == true)
    }

    @Test("an option-free render has no allowManagedHooksOnly and no --fail-closed")
    func defaults() {
        let content = ClaudeCodeAdapter.render(SamplePolicy.policy, options: AdapterOptions()).files[0].content
        #expect(!content.contains("allowManagedHooksOnly"))
        #expect(!content.contains("--fail-closed"))
    }

    @Test("a hook path with spaces is quoted for the shell")
    func quoting() {
        let options = AdapterOptions(
            hookExecutable: "/Applications/Ringfence Agent/ringfence-hook",
            cacheDirectory: "/Library/Application Support/Ringfence")
        #expect(
            options.hookCommand(for: .claudeCode)
                == "'/Applications/Ringfence Agent/ringfence-hook' --agent claude-code --cache '/Library/Application Support/Ringfence'"
        )
        #expect(
            AdapterOptions(hookExecutable: "/opt/rf/bin/ringfence").hookCommand(for: .cursor)
                == "/opt/rf/bin/ringfence hook --agent cursor --cache /var/lib/ringfence",
            "the full CLI needs its subcommand")
        #expect(AdapterOptions.shellQuoted("it's") == #"'it'\''s'"#)
    }
}
