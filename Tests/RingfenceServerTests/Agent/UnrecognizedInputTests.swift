import Foundation
import GRPCCore
import Prometheus
import RingfenceCore
import RingfenceProto
import RingfenceStore
import RingfenceTestSupport
import Testing

@testable import RingfenceServer

/// The support path for a changed agent surface, past the hook: `unrecognized` events
/// reach PostgreSQL, the per-agent metric (new rows only), the fleet's 7-day list and the
/// week's per-user aggregates the reports are built from.
@Suite("Agent service: hook input not understood", .serialized)
struct UnrecognizedInputTests {
    static func unrecognized(_ id: String, agent: String, name: String, user: String = "alice")
        -> Ringfence_V1_AuditEvent
    {
        var event = auditEvent(id, user: user, verdict: .pass)
        event.agentKind = agent
        event.agentVersion = agent == "cursor" ? "2.1.46" : ""
        event.surface = "unrecognized"
        event.pack = ""
        event.packVersion = 0
        event.ruleID = ""
        event.appliedLevel = .off
        event.uncappedLevel = .off
        event.summary = "unrecognized: " + name
        return event
    }

    @Test("stored, counted per agent once, listed in the fleet and the week's aggregates")
    func supportPath() async throws {
        try await AgentServiceHarness.run { harness in
            try await harness.withAgentClient { agent in
                let (hostID, key) = try await harness.enroll(machine: "m-unk", agent: agent)
                var batch = Ringfence_V1_ReportEventsRequest()
                batch.hostID = hostID
                batch.events = [
                    Self.unrecognized("u-1", agent: "claude-code", name: "PreToolUse/Shell"),
                    Self.unrecognized("u-2", agent: "claude-code", name: "PreToolUse/Shell", user: "bob"),
                    Self.unrecognized("u-3", agent: "cursor", name: "beforeFileDelete"),
                    Self.unrecognized("u-4", agent: "vim", name: "x"),
                    auditEvent("n-1"),
                ]
                for _ in 0..<2 {  // the second time, all duplicates: nothing counted again
                    let answer = try await agent.reportEvents(metadata: bearer(key)) { [batch] in
                        try await $0.write(batch)
                    }
                    #expect(answer.received == 5)
                }
            }
            let text = harness.registry.emitToString()
            #expect(text.contains(#"ringfence_hook_inputs_unrecognized_total{agent="claude-code"} 2"#), "\(text)")
            #expect(text.contains(#"ringfence_hook_inputs_unrecognized_total{agent="cursor"} 1"#))
            #expect(
                text.contains(#"ringfence_hook_inputs_unrecognized_total{agent="other"} 1"#), "no label from a client")

            let fleet = try await harness.fleet.summary()
            #expect(
                fleet.unrecognized.first
                    == UnrecognizedHookInput(
                        agent: "claude-code", agentVersion: "", name: "PreToolUse/Shell", events: 2, sources: 1))
            #expect(fleet.unrecognized.contains { $0.agent == "cursor" && $0.agentVersion == "2.1.46" })

            let now = Date()
            let week = try await ReportQueries(client: harness.client).aggregates(
                from: now.addingTimeInterval(-3_600), until: now.addingTimeInterval(3_600), users: nil, matches: false)
            let inputs = week.unrecognizedInputs(of: ["alice", "bob"])
            #expect(inputs.first?.name == "PreToolUse/Shell" && inputs.first?.events == 2 && inputs.first?.sources == 2)
            #expect(week.unrecognizedInputs(of: ["carol"]).isEmpty)
        }
    }
}
