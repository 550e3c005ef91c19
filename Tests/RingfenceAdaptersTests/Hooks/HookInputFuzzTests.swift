import Foundation
import PropertyBased
import RingfenceCore
import Testing

@testable import RingfenceAdapters

/// Recorded hook inputs with bytes changed, and random bytes, given to both agents'
/// parsers and to a full hook run; the policy cache decoded from random bytes. Each either
/// refuses the input or answers — never crashes. `scripts/fuzz` runs it longer.
@Suite("Fuzz: hook input and policy cache")
struct HookInputFuzzTests {
    static let iterations = Int(ProcessInfo.processInfo.environment["RINGFENCE_FUZZ_ITERATIONS"] ?? "") ?? 2_000

    static let recorded: [Data] = {
        let directory = Fixtures.directory.appendingPathComponent("hooks")
        return [
            "claude-code/bash-rm-rf.json", "claude-code/read-dotenv.json", "claude-code/mcp-github-delete.json",
            "cursor/shell-kubectl.json", "cursor/read-pem.json", "cursor/mcp-drop-database.json",
        ]
        .map { try! Data(contentsOf: directory.appendingPathComponent($0)) }
    }()

    @Test("mutated and random hook inputs")
    func hookInputs() async {
        await propertyCheck(count: Self.iterations, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            var draw = StricterPolicyPropertyTests.Draw(seed: seed)
            var bytes = [UInt8](Self.recorded[draw.next(Self.recorded.count)])
            if draw.next(4) == 0 {
                bytes = (0..<draw.next(256)).map { _ in UInt8(draw.next(256)) }
            } else {
                for _ in 0..<(1 + draw.next(3)) where !bytes.isEmpty {
                    let at = draw.next(bytes.count)
                    switch draw.next(3) {
                    case 0: bytes[at] = UInt8(draw.next(256))
                    case 1: bytes = Array(bytes[..<at])
                    default: bytes.insert(contentsOf: Array(#"\u0000"[{"#.utf8), at: at)
                    }
                }
            }
            for agent in [AgentKind.claudeCode, .cursor] {
                guard let invocation = try? HookInvocation(agent: agent, json: Data(bytes)) else { continue }
                let run = HookRun(
                    invocation: invocation, policy: .available(SamplePolicy.policy), failClosed: [.riskyShell],
                    home: "/home/alice", user: "alice", eventID: "e", now: 0)
                #expect(run.answer.exitCode == 0, "seed \(seed)")
            }
        }
    }

    @Test("random and mutated policy caches are refused or decoded, never trusted blindly")
    func policyCache() async {
        let valid = SamplePolicy.policy.binary
        await propertyCheck(count: Self.iterations, input: Gen.int(in: 0...Int(Int32.max))) { seed in
            var draw = StricterPolicyPropertyTests.Draw(seed: seed)
            var bytes = valid
            for _ in 0..<(1 + draw.next(4)) { bytes[draw.next(bytes.count)] = UInt8(draw.next(256)) }
            if let policy = try? AgentPolicy(binary: bytes) {
                #expect(
                    try! AgentPolicy(binary: policy.binary) == policy,
                    "seed \(seed): what decodes encodes and decodes the same")
            }
        }
    }
}
