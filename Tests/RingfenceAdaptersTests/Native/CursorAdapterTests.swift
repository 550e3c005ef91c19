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

    @Test("version 1, the three before-hooks, each running ringfence hook for cursor")
    func parsed() throws {
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(configuration.files[0].content.utf8)) as? [String: Any])
        #expect(object["version"] as? Int == 1)
        let hooks = try #require(object["hooks"] as? [String: [[String: String]]])
        #expect(Set(hooks.keys) == ["beforeShellExecution", "beforeMCPExecution", "beforeReadFile"])
        for entries in hooks.values {
            #expect(entries.first?["command"]?.hasPrefix("/usr/local/bin/ringfence-hook --agent cursor") == true)
        }
    }

    @Test("every rule is enforced by hook, warned reads are noted, repository trust is not per action")
    func notNative() {
        let byRule = Dictionary(grouping: configuration.notNative, by: \.ruleID)
        #expect(byRule["RS-1"]?.first?.enforcement == .hook)
        #expect(byRule["SP-3"]?.first?.reason.contains("warn-candidate") == true)
        #expect(byRule["UR-1"]?.first?.enforcement == NotNativeRule.Enforcement.none)
        #expect(configuration.notNative.count == SamplePolicy.policy.surfaces.reduce(0) { $0 + $1.rules.count })
    }

    @Test("Copilot: no file, every rule listed as not enforced on the workstation")
    func copilot() {
        let copilot = NativeAdapters.render(.copilot, policy: SamplePolicy.policy, options: SamplePolicy.options)
        #expect(copilot.files.isEmpty)
        #expect(copilot.notNative.allSatisfy { $0.enforcement == .none })
        #expect(copilot.notNative.count == configuration.notNative.count)
    }
}
