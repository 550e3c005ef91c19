import Foundation
import RingfenceCore
import Testing

@testable import RingfenceAdapters

@Suite("Claude Code adapter")
struct ClaudeCodeAdapterTests {
    let configuration = ClaudeCodeAdapter.render(SamplePolicy.policy, options: SamplePolicy.options)

    @Test("a managed-settings.d fragment, not the organisation's managed-settings.json; matches the golden file")
    func golden() throws {
        let file = try #require(configuration.files.first)
        #expect(configuration.files.map(\.name) == ["managed-settings.d/ringfence.json"])
        #expect(
            file.content == (try Fixtures.golden("claude-code/managed-settings.d/ringfence.json", actual: file.content))
        )
    }

    @Test("the file is JSON Claude Code can read: deny, ask, bypass mode off, the hooks")
    func parsed() throws {
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(configuration.files[0].content.utf8)) as? [String: Any])
        let rules = try #require(object["permissions"] as? [String: Any])
        #expect(rules["disableBypassPermissionsMode"] as? String == "disable")
        let permissions = rules.compactMapValues { $0 as? [String] }
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
        #expect(Set(hooks.keys) == ["PreToolUse", "UserPromptSubmit"])
        let pre = try #require(hooks["PreToolUse"]?.first)
        #expect(pre["matcher"] as? String == "*", "every tool reaches the hook; unknown ones are unrecognized")
        let hook = try #require((pre["hooks"] as? [[String: Any]])?.first)
        #expect(
            hook["command"] as? String
                == "/usr/local/bin/ringfence-hook --agent claude-code --cache /var/lib/ringfence --fail-closed credential_exfiltration"
        )
        #expect(hook["onFailure"] as? String == "block", "a surface fails closed: a hook that cannot run blocks")
        #expect(configuration.hookFailsClosed)
    }

    @Test("sensitive writes are Edit rules, hosts WebFetch(domain:) rules, whole MCP servers denied")
    func moreSurfaces() throws {
        var policy = SamplePolicy.policy
        policy.surfaces += [
            .init(
                surface: .sensitivePathWrite, level: .block, uncappedLevel: .block,
                rules: [SamplePolicy.rule("p", "SW-1", ["~/.ssh/**", "/etc/**"], .block)]),
            .init(
                surface: .webFetch, level: .block, uncappedLevel: .block,
                rules: [SamplePolicy.rule("p", "WF-1", ["pastebin.com", "*.ngrok.io", "gist.github.com/**"], .block)]),
        ]
        let mcp = try #require(policy.surfaces.firstIndex { $0.surface == .mcpTool })
        policy.surfaces[mcp].rules.append(SamplePolicy.rule("p", "MCP-9", ["shady.*"], .block))
        let rendered = ClaudeCodeAdapter.render(policy, options: AdapterOptions())
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(rendered.files[0].content.utf8)) as? [String: Any])
        let deny = try #require((object["permissions"] as? [String: Any])?["deny"] as? [String])
        #expect(deny.contains("Edit(~/.ssh/**)") && deny.contains("Edit(//etc/**)"))
        #expect(deny.contains("WebFetch(domain:pastebin.com)") && deny.contains("WebFetch(domain:*.ngrok.io)"))
        #expect(!deny.contains { $0.contains("gist.github.com") }, "a path is matched by the hook")
        #expect(deny.contains("mcp__shady"))
        let denied = try #require(object["deniedMcpServers"] as? [[String: String]])
        #expect(denied == [["serverName": "shady"]])
        #expect(
            rendered.notNative.contains {
                $0.ruleID == "WF-1" && $0.pattern == "gist.github.com/**" && $0.enforcement == .hook
            })
    }

    @Test("what Claude Code cannot say is listed with what enforces it instead")
    func notNative() {
        let listed = Set(configuration.notNative.map { "\($0.ruleID) \($0.pattern ?? "*") \($0.enforcement)" })
        #expect(listed.contains("CE-1 * | nc * hook"), "pipes: Claude Code splits compound commands")
        #expect(listed.contains("RS-2 curl * | sh hook"))
        #expect(listed.contains("RS-4 terraform destro? hook"), "no ? in Bash rules")
        #expect(listed.contains("MCP-1 github.delete_* hook"))
        #expect(listed.contains("MCP-1 *.drop_database hook"))
        #expect(listed.contains("UR-1 ** hook"), "the hook applies unmanaged_repo with the repository of the cwd")
        #expect(!listed.contains { $0.hasPrefix("SP-") }, "every path glob is native")
        #expect(
            configuration.notNative.first { $0.ruleID == "CE-1" }?.description.contains(
                "enforced by hook, not natively") == true)
    }

    @Test("an option-free render has no allowManagedHooksOnly, no --fail-closed and no onFailure")
    func defaults() {
        let rendered = ClaudeCodeAdapter.render(SamplePolicy.policy, options: AdapterOptions())
        let content = rendered.files[0].content
        #expect(!content.contains("allowManagedHooksOnly"))
        #expect(!content.contains("--fail-closed"))
        #expect(!content.contains("onFailure"))
        #expect(!rendered.hookFailsClosed)
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
