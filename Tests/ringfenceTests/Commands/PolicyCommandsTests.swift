import ArgumentParser
import Foundation
import RingfenceCore
import RingfenceFiles
import RingfenceTestSupport
import Testing

@testable import ringfence

@Suite("Policy commands")
struct PolicyCommandsTests {
    static let examples = TestServers.repositoryRoot.appendingPathComponent("examples/policy").path

    @Test("the example policy's expectations all pass")
    func examplePolicyPasses() throws {
        let policy = try PolicyFiles.load(directory: URL(fileURLWithPath: Self.examples))
        let results = TestPolicyCommand.run(policy.expectations, on: try PolicySnapshot(bundle: policy.bundle))
        #expect(results.failed == 0, "\(results.report)")
        #expect(results.passed == policy.expectations.count)
    }

    @Test("a failing expectation is reported with a diff line")
    func failingExpectation() throws {
        var policy = try PolicyFiles.load(directory: URL(fileURLWithPath: Self.examples))
        var broken = policy.expectations[0]
        broken.surfaces[.riskyShell]?.level = .block
        policy.expectations = [broken]
        let results = TestPolicyCommand.run(policy.expectations, on: try PolicySnapshot(bundle: policy.bundle))
        #expect(results.failed == 1)
        #expect(results.report.contains("FAIL  \(broken.name)"))
        #expect(results.report.contains("risky_shell level: expected block, got observe"))
    }

    @Test("context flags are parsed and validated")
    func contextFlags() throws {
        let options = try ContextOptions.parse([
            "--user", "alice", "--groups", "a,b", "--groups", "c", "--host-ring", "3",
            "--trust", "production", "--surface", "risky_shell", "--at", "2026-11-20T10:00:00Z",
        ])
        let context = try options.context()
        #expect(context.groups == ["a", "b", "c"])
        #expect(context.hostRing == .target)
        #expect(context.trust == .production)
        #expect(context.surfaces == [.riskyShell])
        #expect(throws: (any Error).self) { try ContextOptions.parse(["--host-ring", "7"]) }
        #expect(throws: (any Error).self) { try ContextOptions.parse(["--surface", "Risky Shell"]) }
        #expect(throws: (any Error).self) { try ContextOptions.parse(["--at", "yesterday"]) }
    }

    @Test("json output carries surfaces, rules and the trace")
    func jsonOutput() throws {
        let policy = try PolicyFiles.load(directory: URL(fileURLWithPath: Self.examples))
        let resolution = try PolicySnapshot(bundle: policy.bundle)
            .resolve(
                DecisionContext(
                    user: "alice", groups: ["ai-pilot", "payments-eng"], repo: "payments/api", trust: .production,
                    at: Date()))
        let json = try ResolveCommand.render(resolution, format: .json, includeTrace: true)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let document = try decoder.decode(ResolutionDocument.self, from: Data(json.utf8))
        #expect(document.ring == 3)
        #expect(document.etag == resolution.etag)
        #expect(document.trace?.count == policy.bundle.assignments.count)
        #expect(
            document.surfaces.first { $0.surface == "risky_shell" }?.rules.map(\.id) == [
                "RS-1", "RS-2", "RS-3", "RS-12",
            ])
    }
}
