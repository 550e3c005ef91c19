import Foundation
import RingfenceCore
import Testing

@testable import RingfenceAdapters

@Suite("Codex adapter")
struct CodexAdapterTests {
    let configuration = CodexAdapter.render(SamplePolicy.policy, options: SamplePolicy.options)

    @Test("hooks.json and requirements.toml match the golden files")
    func golden() throws {
        #expect(configuration.files.map(\.name) == ["hooks.json", "requirements.toml"])
        for file in configuration.files {
            #expect(file.content == (try Fixtures.golden("codex/" + file.name, actual: file.content)))
        }
    }

    @Test("PreToolUse and UserPromptSubmit hooks; managed hooks only; a failing hook exits 2")
    func parsed() throws {
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(configuration.files[0].content.utf8)) as? [String: Any])
        let hooks = try #require(object["hooks"] as? [String: [[String: Any]]])
        #expect(Set(hooks.keys) == ["PreToolUse", "UserPromptSubmit"])
        let hook = try #require((hooks["PreToolUse"]?.first?["hooks"] as? [[String: Any]])?.first)
        #expect((hook["command"] as? String)?.hasSuffix(" || exit 2") == true)
        #expect(configuration.files[1].content.contains("allow_managed_hooks_only = true"))
        let open = CodexAdapter.render(SamplePolicy.policy, options: AdapterOptions())
        #expect(open.files.map(\.name) == ["hooks.json"], "requirements.toml only for managed hooks only")
        #expect(!open.files[0].content.contains("exit 2"))
    }

    @Test("every rule is the hook's but web fetches (Codex has no hook for them); warnings cannot ask")
    func coverage() {
        #expect(configuration.notNative.allSatisfy { ($0.enforcement == .hook) == ($0.surface != .webFetch) })
        #expect(configuration.notNative.first { $0.ruleID == "RS-2" }?.reason.contains("warn-candidate") == true)
    }
}
