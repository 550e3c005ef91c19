import Foundation
import RingfenceCore
import Testing

@testable import RingfenceAdapters

@Suite("Windsurf adapter")
struct WindsurfAdapterTests {
    let configuration = WindsurfAdapter.render(SamplePolicy.policy, options: SamplePolicy.options)

    @Test("hooks.json matches the golden file")
    func golden() throws {
        #expect(configuration.files.map(\.name) == ["hooks.json"])
        let content = configuration.files[0].content
        #expect(content == (try Fixtures.golden("windsurf/hooks.json", actual: content)))
    }

    @Test("the five pre-hooks, output shown, a failing hook exits 2")
    func parsed() throws {
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(configuration.files[0].content.utf8)) as? [String: Any])
        let hooks = try #require(object["hooks"] as? [String: [[String: Any]]])
        #expect(
            Set(hooks.keys) == [
                "pre_read_code", "pre_write_code", "pre_run_command", "pre_mcp_tool_use", "pre_user_prompt",
            ])
        for entries in hooks.values {
            #expect(entries.first?["show_output"] as? Bool == true)
            #expect((entries.first?["command"] as? String)?.hasSuffix(" || exit 2") == true)
        }
    }
}
