import Foundation
import RingfenceCore
import RingfenceStore
import Testing

@testable import RingfenceExport

/// The export formats without I/O: what each field becomes.
@Suite("Export formats")
struct ExportFormatsTests {
    static let host = UUID(uuidString: "3F1C0000-0000-4000-8000-0000000000E9")!
    static let at = Date(timeIntervalSince1970: 1_795_000_000.123456)

    static func stored(_ verdict: Verdict, rule: String = "RS-1", host: UUID = host) -> StoredEvent {
        StoredEvent(
            event: AuditEventRecord(
                hostID: host, eventID: "e-\(verdict.rawValue)", occurredAt: at, user: "alice",
                agentKind: "claude-code", agentVersion: "2.0.1", surface: .riskyShell,
                pack: rule.isEmpty ? "" : "shell-baseline", packVersion: rule.isEmpty ? 0 : 3, ruleID: rule,
                repo: "payments/api", verdict: verdict, appliedLevel: .block, uncappedLevel: .block,
                policyETag: "etag-1", sessionID: "s-1", summary: "shell: rm", policyRevision: 12),
            receivedAt: at.addingTimeInterval(2))
    }

    @Test("OTLP: one resource per host, nanosecond strings, GenAI and Ringfence attributes, severity by verdict")
    func otlp() throws {
        let other = UUID()
        let request = OTLPLogsRequest([
            Self.stored(.block), Self.stored(.pass, rule: "", host: other), Self.stored(.warn),
        ])
        #expect(request.resourceLogs.count == 2)
        #expect(request.resourceLogs[0].scopeLogs[0].logRecords.count == 2)
        let record = request.resourceLogs[0].scopeLogs[0].logRecords[0]
        #expect(record.timeUnixNano == "1795000000123456000")
        #expect(record.observedTimeUnixNano == "1795000002123456000")
        #expect(record.severityNumber == 17 && record.severityText == "ERROR")
        #expect(record.eventName == "ringfence.agent.decision")
        let attributes = Dictionary(uniqueKeysWithValues: record.attributes.map { ($0.key, $0.value) })
        #expect(attributes["gen_ai.operation.name"]?.stringValue == "execute_tool")
        #expect(attributes["gen_ai.agent.name"]?.stringValue == "claude-code")
        #expect(attributes["gen_ai.conversation.id"]?.stringValue == "s-1")
        #expect(attributes["vcs.repository.name"]?.stringValue == "payments/api")
        #expect(attributes["ringfence.policy.revision"]?.intValue == "12")
        #expect(attributes["ringfence.rule.pack_version"]?.intValue == "3")
        let pass = request.resourceLogs[1].scopeLogs[0].logRecords[0]
        #expect(!pass.attributes.contains { $0.key == "ringfence.rule.id" }, "no empty attributes")
        let json = String(decoding: try request.json(), as: UTF8.self)
        #expect(json.contains(#""intValue":"12""#) && !json.contains("null"))
        #expect(json.contains(#""key":"host.id","value":{"stringValue":"\#(other.uuidString.lowercased())"}"#))
    }

    @Test("OCSF: a Detection Finding per event with a rule, action and disposition by verdict")
    func ocsf() throws {
        #expect(OCSFDetectionFinding(Self.stored(.pass, rule: "")) == nil)
        let cases: [(Verdict, Int, Int, Int)] = [
            (.block, 3, 2, 2), (.warn, 2, 1, 19), (.blockCandidate, 1, 1, 15), (.warnCandidate, 1, 1, 15),
            (.pass, 1, 1, 1),
        ]
        for (verdict, severity, action, disposition) in cases {
            let finding = try #require(OCSFDetectionFinding(Self.stored(verdict)))
            let object = try #require(try JSONSerialization.jsonObject(with: finding.json()) as? [String: Any])
            #expect(object["class_uid"] as? Int == 2004 && object["type_uid"] as? Int == 200_401)
            #expect(object["severity_id"] as? Int == severity, "\(verdict)")
            #expect(object["action_id"] as? Int == action, "\(verdict)")
            #expect(object["disposition_id"] as? Int == disposition, "\(verdict)")
            #expect(object["time"] as? Int == 1_795_000_000_123)
            let info = try #require(object["finding_info"] as? [String: Any])
            #expect(info["title"] as? String == "shell-baseline/RS-1 on risky_shell")
            let analytic = try #require(info["analytic"] as? [String: Any])
            #expect(analytic["type_id"] as? Int == 1 && analytic["name"] as? String == "shell-baseline/RS-1")
            let metadata = try #require(object["metadata"] as? [String: Any])
            #expect(metadata["version"] as? String == "1.4.0" && metadata["uid"] as? String == "e-\(verdict.rawValue)")
            #expect((object["unmapped"] as? [String: String])?["policy_revision"] == "12")
        }
    }

    @Test("HEC: one envelope a line with time, host, source, sourcetype and index; OCSF leaves out non-findings")
    func hec() throws {
        let events = [Self.stored(.block), Self.stored(.pass, rule: "")]
        let native = try HECBatch(events, format: .native, index: nil)
        #expect(native.count == 2 && native.skipped == 0)
        let lines = String(decoding: native.body, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 2)
        let envelope = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(Set(envelope.keys) == ["time", "host", "source", "sourcetype", "event"])
        #expect(envelope["time"] as? Double == 1_795_000_000.123)
        #expect(envelope["sourcetype"] as? String == "ringfence:agent:decision")
        #expect((envelope["event"] as? [String: Any])?["eventID"] as? String == "e-block")
        let ocsf = try HECBatch(events, format: .ocsf, index: "sec\"urity")
        #expect(ocsf.count == 1 && ocsf.skipped == 1)
        let finding = try #require(
            try JSONSerialization.jsonObject(with: Data(String(decoding: ocsf.body, as: UTF8.self).utf8))
                as? [String: Any])
        #expect(finding["index"] as? String == "sec\"urity", "the index is JSON-escaped")
    }

    @Test("backoff: 1, 2, 4 … seconds up to the maximum, a quarter of jitter at most")
    func backoff() {
        #expect(ExportBackoff.delay(failures: 0, maximum: 60, jitter: 0.5) == 0)
        #expect(ExportBackoff.delay(failures: 1, maximum: 60, jitter: 0) == 1)
        #expect(ExportBackoff.delay(failures: 3, maximum: 60, jitter: 0) == 4)
        #expect(ExportBackoff.delay(failures: 3, maximum: 60, jitter: 1) == 5)
        #expect(ExportBackoff.delay(failures: 20, maximum: 60, jitter: 1) == 60)
        #expect(ExportBackoff.delay(failures: 200, maximum: 60, jitter: 0) == 60)
    }
}
