import Foundation
import RingfenceCore
import Testing

@testable import RingfenceAdapters

@Suite("Copilot adapter")
struct CopilotAdapterTests {
    let configuration = CopilotAdapter.render(SamplePolicy.policy, options: SamplePolicy.options)

    @Test("managed-settings.json and hooks/ringfence.json match the golden files")
    func golden() throws {
        #expect(configuration.files.map(\.name) == ["hooks/ringfence.json", "managed-settings.json"])
        for file in configuration.files {
            #expect(file.content == (try Fixtures.golden("copilot/" + file.name, actual: file.content)))
        }
    }

    @Test("permissions in Copilot's rule syntax, bypass mode off; the hook on preToolUse and prompts")
    func parsed() throws {
        let settings = try #require(
            try JSONSerialization.jsonObject(with: Data(configuration.files[1].content.utf8)) as? [String: Any])
        let permissions = try #require(settings["permissions"] as? [String: Any])
        let deny = try #require(permissions["deny"] as? [String])
        #expect(
            deny.contains("Shell(rm -rf /*)") && deny.contains("Read(~/.ssh/**)") && deny.contains("Read(//etc/shadow)")
        )
        #expect((permissions["ask"] as? [String])?.contains("Read(**/*.pem)") == true)
        #expect(permissions["disableBypassPermissionsMode"] as? String == "disable")
        let hooks = try #require(
            try JSONSerialization.jsonObject(with: Data(configuration.files[0].content.utf8)) as? [String: Any])
        #expect(hooks["version"] as? Int == 1)
        let events = try #require(hooks["hooks"] as? [String: [[String: Any]]])
        #expect(Set(events.keys) == ["preToolUse", "userPromptSubmitted"])
        let hook = try #require(events["preToolUse"]?.first)
        #expect(hook["type"] as? String == "command")
        #expect((hook["bash"] as? String)?.contains("--agent copilot") == true)
        #expect(hook["timeoutSec"] as? Int == 5)
    }

    @Test("MCP tool rules are not enforced (Copilot's hook input does not name MCP tools); the hook cannot fail closed")
    func coverage() {
        let mcp = configuration.notNative.filter { $0.surface == .mcpTool }
        #expect(!mcp.isEmpty && mcp.allSatisfy { $0.enforcement == .none })
        #expect(configuration.notNative.contains { $0.ruleID == "CE-1" && $0.enforcement == .hook })
        #expect(!configuration.hookFailsClosed, "Copilot documents no way for a failing hook to block")
    }
}
