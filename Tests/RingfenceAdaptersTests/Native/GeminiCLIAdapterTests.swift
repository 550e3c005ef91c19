import Foundation
import RingfenceCore
import Testing

@testable import RingfenceAdapters

@Suite("Gemini CLI adapter")
struct GeminiCLIAdapterTests {
    let configuration = GeminiCLIAdapter.render(SamplePolicy.policy, options: SamplePolicy.options)

    @Test("settings.json matches the golden file")
    func golden() throws {
        #expect(configuration.files.map(\.name) == ["settings.json"])
        let content = configuration.files[0].content
        #expect(content == (try Fixtures.golden("gemini-cli/settings.json", actual: content)))
    }

    @Test("BeforeTool and BeforeAgent hooks with a timeout in milliseconds; YOLO mode off")
    func parsed() throws {
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(configuration.files[0].content.utf8)) as? [String: Any])
        let hooks = try #require(object["hooks"] as? [String: [[String: Any]]])
        #expect(Set(hooks.keys) == ["BeforeTool", "BeforeAgent"])
        let hook = try #require((hooks["BeforeTool"]?.first?["hooks"] as? [[String: Any]])?.first)
        #expect(hook["type"] as? String == "command")
        #expect(hook["timeout"] as? Int == 5_000)
        #expect((hook["command"] as? String)?.hasSuffix(" || exit 2") == true)
        #expect((object["security"] as? [String: Bool])?["disableYoloMode"] == true)
    }
}
