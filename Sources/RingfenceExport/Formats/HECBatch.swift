import Foundation
import RingfenceCore
import RingfenceStore

/// Audit events as a Splunk HTTP Event Collector batch (docs/exports.md "Splunk HEC"):
/// one JSON object per event — `time` (epoch seconds with milliseconds), `host` (the host
/// id), `source` `ringfence`, `sourcetype`, optional `index`, and `event` — one per line,
/// for `POST /services/collector/event`. The event is Ringfence's own record
/// (sourcetype `ringfence:agent:decision`) or its OCSF Detection Finding (sourcetype
/// `ocsf:detection_finding`; events that are not findings are left out). Pure.
public struct HECBatch: Sendable {
    /// What `event` holds.
    public enum Format: String, Sendable, CaseIterable {
        case native, ocsf

        var sourcetype: String {
            switch self {
            case .native: "ringfence:agent:decision"
            case .ocsf: "ocsf:detection_finding"
            }
        }
    }

    public var body: Data
    /// Events in the batch, and events left out (not findings, in the OCSF format).
    public var count: Int
    public var skipped: Int

    public init(_ events: [StoredEvent], format: Format, index: String?) throws {
        let native = JSONEncoder()
        native.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        native.dateEncodingStrategy = .iso8601
        var body = Data()
        var count = 0
        for stored in events {
            let event: Data
            switch format {
            case .native:
                event = try native.encode(
                    IncidentBundle.EventEntry(stored.event, receivedAt: stored.receivedAt, seal: nil, proof: nil))
            case .ocsf:
                guard let finding = OCSFDetectionFinding(stored) else { continue }
                event = try finding.json()
            }
            let seconds = (stored.event.occurredAt.timeIntervalSince1970 * 1_000).rounded(.down) / 1_000
            var envelope =
                #"{"time":\#(String(format: "%.3f", seconds)),"host":"\#(stored.event.hostID.uuidString.lowercased())","source":"ringfence","sourcetype":"\#(format.sourcetype)""#
            if let index { envelope += #","index":"# + String(decoding: try native.encode(index), as: UTF8.self) }
            body.append(Data((envelope + #","event":"#).utf8))
            body.append(event)
            body.append(Data("}\n".utf8))
            count += 1
        }
        self.body = body
        self.count = count
        skipped = events.count - count
    }
}
