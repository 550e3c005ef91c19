import Foundation
import RingfenceTestSupport
import Testing

@testable import RingfenceCore

@Suite("DecisionContext fingerprint")
struct DecisionContextFingerprintTests {
    @Test("the fingerprint is SHA-256 of the documented canonical text, with , and \\ escaped")
    func canonicalText() throws {
        let context = DecisionContext(
            user: "Alice", groups: ["Payments,Eng", " ai-pilot "], roles: ["dev\\ops"], hostRing: .audit,
            hostTags: ["macos"], repo: "payments/api", trust: .production, agent: "claude-code",
            surfaces: [.riskyShell, .mcpTool], at: Date())
        let text =
            "v1\nuser=alice\ngroups=ai-pilot,payments\\,eng\nroles=dev\\\\ops\nring=2\ntags=macos\nrepo=payments/api"
            + "\ntrust=production\nagent=claude-code\nsurfaces=mcp_tool,risky_shell"
        #expect(try context.fingerprint == sha256Hex(text))
    }

    @Test("the moment does not count; any other fact does")
    func whatCounts() {
        let base = DecisionContext(user: "alice", groups: ["a", "b"], at: Date(timeIntervalSince1970: 0))
        #expect(base.fingerprint == DecisionContext(user: "alice", groups: ["b", "a"], at: Date()).fingerprint)
        #expect(base.fingerprint != DecisionContext(user: "alice", groups: ["a,b"], at: Date()).fingerprint)
        #expect(base.fingerprint != DecisionContext(user: "alice", groups: ["a"], roles: ["b"], at: Date()).fingerprint)
        #expect(base.fingerprint != DecisionContext(user: "bob", groups: ["a", "b"], at: Date()).fingerprint)
    }

    /// SHA-256 computed without the code under test: `sha256sum` of the text.
    func sha256Hex(_ text: String) throws -> String {
        let result = try ChildProcess.run(URL(fileURLWithPath: "/usr/bin/sha256sum"), [], input: Data(text.utf8))
        return String(result.stdout.prefix(64))
    }
}
