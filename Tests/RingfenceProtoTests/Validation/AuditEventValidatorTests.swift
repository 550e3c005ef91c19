import Foundation
import RingfenceCore
import RingfenceProto
import RingfenceTestSupport
import SwiftProtobuf
import Testing

@Suite("AuditEventValidator")
struct AuditEventValidatorTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let host = UUID()
    let validator = AuditEventValidator(maxAge: 7 * 86_400, maxFuture: 3_600)

    @Test("a well-formed event becomes a row with every field carried over")
    func accepted() throws {
        var event = auditEvent("e-1", verdict: .warnCandidate, at: now.addingTimeInterval(-60))
        event.agentKind = "Claude-Code"
        event.summary = "cat ~/.aws/credentials"
        let row = try validator.validate(event, hostID: host, now: now).get()
        #expect(row.hostID == host)
        #expect(row.eventID == "e-1")
        #expect(row.occurredAt == now.addingTimeInterval(-60))
        #expect(row.agentKind == "claude-code")
        #expect(row.surface == .riskyShell)
        #expect(row.verdict == .warnCandidate)
        #expect(row.ruleID == "RS-1")
        #expect(row.summary == "cat ~/.aws/credentials")
    }

    /// One broken field per case and the words the rejection must contain.
    static let broken: [(String, @Sendable (inout Ringfence_V1_AuditEvent) -> Void, String)] = [
        ("empty id", { $0.eventID = "" }, "event_id is empty"),
        ("long id", { $0.eventID = String(repeating: "x", count: 129) }, "event_id is longer"),
        ("id with space", { $0.eventID = "a b" }, "spaces or control"),
        ("id with control", { $0.eventID = "a\u{7}" }, "spaces or control"),
        ("no time", { $0.clearOccurredAt() }, "occurred_at is not set"),
        (
            "too old",
            {
                $0.occurredAt = Google_Protobuf_Timestamp(date: Date(timeIntervalSince1970: 1_800_000_000 - 8 * 86_400))
            }, "days old"
        ),
        (
            "future",
            { $0.occurredAt = Google_Protobuf_Timestamp(date: Date(timeIntervalSince1970: 1_800_000_000 + 7_200)) },
            "in the future"
        ),
        ("no user", { $0.user = "" }, "user is empty"),
        ("no agent", { $0.agentKind = "" }, "agent_kind is empty"),
        ("long repo", { $0.repo = String(repeating: "r", count: 257) }, "repo is longer"),
        ("long summary", { $0.summary = String(repeating: "s", count: 1_025) }, "summary is longer"),
        ("malformed surface", { $0.surface = "Risky Shell" }, "not a surface name"),
        ("no verdict", { $0.verdict = .unspecified }, "verdict is not set"),
        ("unknown verdict", { $0.verdict = .UNRECOGNIZED(99) }, "unknown verdict 99"),
        ("unknown applied level", { $0.appliedLevel = .UNRECOGNIZED(7) }, "unknown applied_level 7"),
        ("nul in summary", { $0.summary = "a\u{0}b" }, "summary contains a NUL character"),
        ("no applied level", { $0.appliedLevel = .unspecified }, "applied_level is not set"),
        ("no uncapped level", { $0.uncappedLevel = .unspecified }, "uncapped_level is not set"),
        ("negative pack version", { $0.packVersion = -1 }, "pack_version is negative"),
        ("negative policy revision", { $0.policyRevision = -3 }, "policy_revision is negative"),
        ("candidate without rule", { $0.ruleID = "" }, "needs the rule_id"),
    ]

    @Test("each broken field is refused with a reason naming it", arguments: 0..<broken.count)
    func refused(index: Int) {
        let (_, breakIt, words) = Self.broken[index]
        var event = auditEvent("e-1", at: now)
        breakIt(&event)
        switch validator.validate(event, hostID: host, now: now) {
        case .success: Issue.record("accepted \(Self.broken[index].0)")
        case .failure(let rejection): #expect(rejection.reason.contains(words), "\(rejection.reason)")
        }
    }

    @Test("the policy revision is carried into the record")
    func revision() throws {
        var event = auditEvent("e-3", at: now)
        event.policyRevision = 17
        #expect(try validator.validate(event, hostID: host, now: now).get().policyRevision == 17)
    }

    @Test("a pass needs no rule id")
    func passWithoutRule() throws {
        let event = auditEvent("e-2", verdict: .pass, at: now)
        #expect(event.ruleID.isEmpty)
        let record = try validator.validate(event, hostID: host, now: now).get()
        #expect(record.verdict == .pass)
    }
}
