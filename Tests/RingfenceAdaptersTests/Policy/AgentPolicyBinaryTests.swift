import PropertyBased
import RingfenceCore
import RingfenceTestSupport
import Testing

@testable import RingfenceAdapters

/// The hook cache's binary form gives back the policy it was made of.
@Suite("AgentPolicy binary form")
struct AgentPolicyBinaryTests {
    @Test("round trip of random policies, whole and by surface")
    func roundTrip() async {
        await propertyCheck(count: 200, input: StricterPolicyPropertyTests.choices) { values in
            let (policy, _) = StricterPolicyPropertyTests.pair(Choices(values))
            #expect(try! AgentPolicy(binary: policy.binary) == policy, "\(values)")
            let only = try! AgentPolicy(binary: policy.binary, only: [.mcpTool])
            #expect(
                only.surfaces.map(\.surface) == [.mcpTool] && only.rules(of: .mcpTool) == policy.rules(of: .mcpTool),
                "\(values)")
        }
        #expect(try! AgentPolicy(binary: SamplePolicy.policy.binary) == SamplePolicy.policy)
        for trust in RepoTrust.allCases {
            for managed in [true, false] {
                var policy = SamplePolicy.policy
                policy.repository = .init(slug: "acme/payments-api", trust: trust, managed: managed)
                #expect(try! AgentPolicy(binary: policy.binary) == policy)
            }
        }
    }

    @Test("a policy file of the previous format is refused, not misread")
    func previousFormat() {
        var old = SamplePolicy.policy.binary
        old.replaceSubrange(0..<4, with: Array("RFP1".utf8))
        #expect(throws: AgentPolicy.BinaryError.self) { try AgentPolicy(binary: old) }
    }

    @Test("truncated, corrupted or foreign bytes are refused, never trusted")
    func corrupt() {
        let bytes = SamplePolicy.policy.binary
        for cut in stride(from: 0, to: bytes.count, by: 7) {
            #expect(throws: AgentPolicy.BinaryError.self) { try AgentPolicy(binary: Array(bytes[..<cut])) }
        }
        #expect(throws: AgentPolicy.BinaryError.self) { try AgentPolicy(binary: Array("{\"user\":1}".utf8)) }
        #expect(throws: AgentPolicy.BinaryError.self) { try AgentPolicy(binary: bytes + [0]) }
        var huge = Array("RFP2".utf8)
        huge += [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]
        #expect(throws: AgentPolicy.BinaryError.self) { try AgentPolicy(binary: huge) }
    }
}
