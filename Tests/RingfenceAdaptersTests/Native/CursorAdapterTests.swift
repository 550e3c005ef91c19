import Foundation
import RingfenceCore
import Testing

@testable import RingfenceAdapters

@Suite("Cursor adapter")
struct CursorAdapterTests {
    let configuration = CursorAdapter.render(SamplePolicy.policy, options: SamplePolicy.options)

    @Test("hooks.json matches the golden file")
    func golden() throws {
        #expect(configuration.files.map(\.name) == ["hooks.json"])
        let content = configuration.files[0].content
        #expect(content == (try Fixtures.golden("cursor/hooks.json", actual: content)))
    }

    @Test("version 1, six hooks (Tab reads, every tool, prompts), each failing closed with a timeout")
    func parsed() throws {
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(configuration.files[0].content.utf8)) as? [String: Any])
        #expect(object["version"] as? Int == 1)
        let hooks = try #require(object["hooks"] as? [String: [[String: Any]]])
        #expect(
            Set(hooks.keys) == [
                "beforeShellExecution", "beforeMCPExecution", "beforeReadFile", "beforeTabFileRead", "preToolUse",
                "beforeSubmitPrompt",
            ])
        for entries in hooks.values {
            let entry = try #require(entries.first)
            #expect((entry["command"] as? String)?.hasPrefix("/usr/local/bin/ringfence-hook --agent cursor") == true)
            #expect(entry["failClosed"] as? Bool == true)
            #expect(entry["timeout"] as? Int == 5)
            #expect(entry["matcher"] == nil, "every tool reaches preToolUse")
        }
        let open = CursorAdapter.render(SamplePolicy.policy, options: AdapterOptions()).files[0].content
        #expect(!open.contains("failClosed"), "no surface fails closed: the key is left out")
    }

    @Test("every rule is enforced by the hook; warned reads cannot ask")
    func notNative() {
        let byRule = Dictionary(grouping: configuration.notNative, by: \.ruleID)
        #expect(byRule["RS-1"]?.first?.enforcement == .hook)
        #expect(byRule["SP-3"]?.first?.reason.contains("warn-candidate") == true)
        #expect(byRule["UR-1"]?.first?.enforcement == .hook)
        #expect(configuration.notNative.count == SamplePolicy.policy.surfaces.reduce(0) { $0 + $1.rules.count })
    }
}
