import Foundation
import RingfenceCore
import RingfenceStore

/// Audit events as an OTLP `ExportLogsServiceRequest` in the OTLP/HTTP JSON encoding
/// (docs/exports.md "OpenTelemetry"): one `ResourceLogs` per host (`service.name`
/// ringfence, `host.id`), one scope `ringfence.audit`, one `LogRecord` per event. Field
/// names are the protobuf JSON mapping's lowerCamelCase; 64-bit integers are decimal
/// strings; enums are numbers. Pure.
public struct OTLPLogsRequest: Encodable, Sendable {
    public var resourceLogs: [ResourceLogs]

    public struct ResourceLogs: Encodable, Sendable {
        public var resource: Resource
        public var scopeLogs: [ScopeLogs]
    }

    public struct Resource: Encodable, Sendable {
        public var attributes: [KeyValue]
    }

    public struct ScopeLogs: Encodable, Sendable {
        public var scope: Scope
        public var logRecords: [LogRecord]
    }

    public struct Scope: Encodable, Sendable {
        public var name: String
        public var version: String
    }

    public struct LogRecord: Encodable, Sendable {
        public var timeUnixNano: String
        public var observedTimeUnixNano: String
        public var severityNumber: Int
        public var severityText: String
        public var body: AnyValue
        public var attributes: [KeyValue]
        public var eventName: String
    }

    public struct KeyValue: Encodable, Sendable {
        public var key: String
        public var value: AnyValue
    }

    /// A string, an integer (a decimal string, as the JSON mapping writes int64) or a boolean.
    public struct AnyValue: Encodable, Sendable {
        public var stringValue: String?
        public var intValue: String?

        public static func string(_ text: String) -> AnyValue { AnyValue(stringValue: text, intValue: nil) }
        public static func int(_ number: Int64) -> AnyValue { AnyValue(stringValue: nil, intValue: String(number)) }
    }

    /// The name of every record (`LogRecord.event_name`).
    public static let eventName = "ringfence.agent.decision"

    /// The request for `events`, grouped by host in the order given.
    public init(_ events: [StoredEvent]) {
        var order: [UUID] = []
        var byHost: [UUID: [LogRecord]] = [:]
        for stored in events {
            let host = stored.event.hostID
            if byHost[host] == nil { order.append(host) }
            byHost[host, default: []].append(Self.record(stored))
        }
        resourceLogs = order.map { host in
            ResourceLogs(
                resource: Resource(attributes: [
                    KeyValue(key: "service.name", value: .string("ringfence")),
                    KeyValue(key: "host.id", value: .string(host.uuidString.lowercased())),
                ]),
                scopeLogs: [ScopeLogs(scope: Scope(name: "ringfence.audit", version: "1"), logRecords: byHost[host]!)])
        }
    }

    /// OTLP severity (`SeverityNumber`) of a verdict: a pass INFO, a would-be warning or
    /// block INFO2, a warning WARN, a block ERROR (an action refused).
    public static func severity(_ verdict: Verdict) -> (number: Int, text: String) {
        switch verdict {
        case .pass: (9, "INFO")
        case .warnCandidate, .blockCandidate: (10, "INFO2")
        case .warn: (13, "WARN")
        case .block: (17, "ERROR")
        }
    }

    static func nanoseconds(_ date: Date) -> String {
        String(Int64((date.timeIntervalSince1970 * 1_000_000).rounded()) * 1_000)
    }

    static func record(_ stored: StoredEvent) -> LogRecord {
        let event = stored.event
        var attributes: [KeyValue] = [
            KeyValue(key: "gen_ai.operation.name", value: .string("execute_tool")),
            KeyValue(key: "gen_ai.agent.name", value: .string(event.agentKind)),
            KeyValue(key: "user.name", value: .string(event.user)),
            KeyValue(key: "ringfence.event.id", value: .string(event.eventID)),
            KeyValue(key: "ringfence.surface", value: .string(event.surface.rawValue)),
            KeyValue(key: "ringfence.verdict", value: .string(event.verdict.rawValue)),
            KeyValue(key: "ringfence.level.applied", value: .string(event.appliedLevel.rawValue)),
            KeyValue(key: "ringfence.level.uncapped", value: .string(event.uncappedLevel.rawValue)),
        ]
        func add(_ key: String, _ text: String) {
            if !text.isEmpty { attributes.append(KeyValue(key: key, value: .string(text))) }
        }
        add("gen_ai.conversation.id", event.sessionID)
        add("ringfence.agent.version", event.agentVersion)
        add("vcs.repository.name", event.repo)
        add("ringfence.rule.pack", event.pack)
        add("ringfence.rule.id", event.ruleID)
        if event.packVersion > 0 {
            attributes.append(KeyValue(key: "ringfence.rule.pack_version", value: .int(Int64(event.packVersion))))
        }
        add("ringfence.policy.etag", event.policyETag)
        if event.policyRevision > 0 {
            attributes.append(KeyValue(key: "ringfence.policy.revision", value: .int(event.policyRevision)))
        }
        let severity = severity(event.verdict)
        return LogRecord(
            timeUnixNano: nanoseconds(event.occurredAt), observedTimeUnixNano: nanoseconds(stored.receivedAt),
            severityNumber: severity.number, severityText: severity.text, body: .string(event.summary),
            attributes: attributes, eventName: eventName)
    }

    /// The request's JSON.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
