import Foundation
import PropertyBased
import RingfenceCore
import RingfenceTestSupport
import Testing

@testable import RingfenceAdapters

/// Recorded hook inputs with bytes changed, and random bytes, given to every agent's
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
            "copilot/bash-rm-rf.json", "codex/apply-patch-etc.json", "gemini-cli/shell-curl-upload-env.json",
            "windsurf/mcp-github-delete.json",
        ]
        .map { try! Data(contentsOf: directory.appendingPathComponent($0)) }
    }()

    @Test("mutated and random hook inputs")
    func hookInputs() async {
        await propertyCheck(count: Self.iterations, input: Choices.generator) { values in
            var draw = Choices(values)
            var bytes = [UInt8](Self.recorded[draw.below(Self.recorded.count)])
            if draw.below(4) == 0 {
                bytes = (0..<draw.below(256)).map { _ in UInt8(draw.below(256)) }
            } else {
                for _ in 0..<(1 + draw.below(3)) where !bytes.isEmpty {
                    let at = draw.below(bytes.count)
                    switch draw.below(3) {
                    case 0: bytes[at] = UInt8(draw.below(256))
                    case 1: bytes = Array(bytes[..<at])
                    default: bytes.insert(contentsOf: Array(#"\u0000"[{"#.utf8), at: at)
                    }
                }
            }
            for agent in AgentKind.allCases {
                let invocation: HookInvocation
                do throws(HookInvocation.InputError) {
                    invocation = try HookInvocation(agent: agent, json: Data(bytes))
                } catch {
                    // Refused with a reason: what the hook turns into its exit status.
                    #expect(!error.description.isEmpty)
                    continue
                }
                let run = HookRun(
                    invocation: invocation, policy: .available(SamplePolicy.policy), failClosed: [.riskyShell],
                    home: "/home/alice", user: "alice", eventID: "e", now: 0)
                #expect(run.answer.exitCode == 0 || run.answer.exitCode == 2, "\(values)")
                #expect(run.answer.exitCode == 0 || !run.answer.stderr.isEmpty, "\(values)")
            }
        }
    }

    @Test("random and mutated policy caches are refused or decoded, never trusted blindly")
    func policyCache() async {
        let valid = SamplePolicy.policy.binary
        await propertyCheck(count: Self.iterations, input: Choices.generator) { values in
            var draw = Choices(values)
            var bytes = valid
            for _ in 0..<(1 + draw.below(4)) { bytes[draw.below(bytes.count)] = UInt8(draw.below(256)) }
            let policy: AgentPolicy
            do {
                policy = try AgentPolicy(binary: bytes)
            } catch {
                return  // refused: a cache that is not trusted
            }
            #expect(
                try! AgentPolicy(binary: policy.binary) == policy,
                "\(values): what decodes encodes and decodes the same")
        }
    }
}
