import Foundation
import PostgresNIO
import RingfenceCore
import RingfenceStore
import RingfenceTestSupport
import Testing

@testable import RingfenceExport

/// Exports against real receivers (`scripts/interop/siem_receiver.py`, checking formats with
/// the official OTLP definitions and HEC's envelope rules) and PostgreSQL: every event
/// delivered, a receiver stopped for a while and restarted loses nothing, duplicates are
/// bounded by one batch, a refused token moves nothing.
@Suite(
    "Event exports against real receivers",
    .enabled(if: SIEMReceiver.enabled && TestServers.postgresEnabled, SIEMReceiver.skipMessage))
struct ExportServiceTests {
    static let hosts = (0..<3).map { _ in UUID() }

    /// `count` events spread over three hosts and every verdict; every fourth names no rule.
    static func events(_ count: Int, prefix: String) -> [AuditEventRecord] {
        let verdicts: [Verdict] = [.pass, .warnCandidate, .blockCandidate, .warn, .block]
        return (0..<count).map { index in
            let verdict = verdicts[index % verdicts.count]
            let ruled = verdict != .pass || index % 4 != 0
            return AuditEventRecord(
                hostID: hosts[index % hosts.count], eventID: "\(prefix)-\(index)",
                occurredAt: Date().addingTimeInterval(-Double(index % 600)), user: "user\(index % 7)",
                agentKind: "claude-code", agentVersion: "2.0.1", surface: .riskyShell,
                pack: ruled ? "shell-baseline" : "", packVersion: ruled ? 1 : 0, ruleID: ruled ? "RS-\(index % 3)" : "",
                repo: "payments/api", verdict: verdict, appliedLevel: verdict == .block ? .block : .observe,
                uncappedLevel: .block, policyETag: "e1", sessionID: "s\(index / 10)", summary: "shell: rm",
                policyRevision: 4)
        }
    }

    static func configuration(_ sinks: [ExportConfiguration.Sink]) -> ExportConfiguration {
        var configuration = ExportConfiguration(sinks: sinks)
        configuration.batchSize = 1_000
        configuration.lagSeconds = 0
        configuration.intervalSeconds = 0.2
        configuration.maxBackoffSeconds = 1
        configuration.timeoutSeconds = 10
        return configuration
    }

    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rf-export-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("OTLP: all delivered; the receiver down for a while and back, nothing lost and duplicates within a batch")
    func otlpOutage() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let receiver = SIEMReceiver(kind: "otlp", folder: folder)
        try receiver.start()
        defer { receiver.stop() }
        try await TestServers.withMigratedDatabase { client, _ in
            let events = EventStore(client: client)
            let store = ExportStore(client: client)
            let first = Self.events(2_500, prefix: "a")
            _ = try await events.store(first)
            let sink = ExportConfiguration.Sink(name: "otel", kind: .otlp, url: receiver.url, fromBeginning: true)
            let configuration = Self.configuration([sink])
            #expect(try await ExportService(store: store, configuration: configuration).drain() == ["otel": 2_500])
            #expect(Set(try receiver.received()) == Set(first.map(\.eventID)))
            #expect(try receiver.received().count == 2_500, "each once")

            // Down: the round fails and the cursor stays.
            receiver.stop()
            let second = Self.events(1_200, prefix: "b")
            _ = try await events.store(second)
            await #expect(throws: ExportFailure.self) {
                try await ExportService(store: store, configuration: configuration).drain()
            }
            #expect(try await store.cursors().first?.exported == 2_500)

            // The service keeps trying (backing off); events keep arriving; the receiver comes back.
            let service = ExportService(store: store, configuration: configuration)
            let running = Task { try await service.run() }
            let third = Self.events(900, prefix: "c")
            _ = try await events.store(third)
            try receiver.start()
            let expected = Set((first + second + third).map(\.eventID))
            try await HangGuard.until("every event at the receiver") { Set(try receiver.received()) == expected }
            running.cancel()
            _ = try? await running.value
            // Run again (a replica leading the job anew): the same service goes on.
            let again = Task { try await service.run() }
            let fourth = Self.events(30, prefix: "d")
            _ = try await events.store(fourth)
            let all = expected.union(fourth.map(\.eventID))
            try await HangGuard.until("the events after a restart at the receiver") {
                Set(try receiver.received()) == all
            }
            again.cancel()
            _ = try? await again.value
            let received = try receiver.received().filter { !$0.hasPrefix("d-") }
            #expect(received.count - expected.count <= configuration.batchSize, "duplicates bounded by a batch")
            let cursor = try #require(try await store.cursors().first)
            #expect(cursor.exported == Int64(all.count))
            #expect(try await store.backlog(sink: "otel", before: Date()) == 0)
            // Severity follows the verdict.
            let blocks = try receiver.lines().filter { $0["verdict"] as? String == "block" }
            #expect(!blocks.isEmpty && blocks.allSatisfy { $0["severity"] as? Int == 17 })
        }
    }

    @Test("HEC: a wrong token moves nothing; native events all, OCSF findings only for events with a rule")
    func hec() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let receiver = SIEMReceiver(kind: "hec", token: "hec-t0ken", folder: folder)
        try receiver.start()
        defer { receiver.stop() }
        try await TestServers.withMigratedDatabase { client, _ in
            let all = Self.events(1_500, prefix: "h")
            _ = try await EventStore(client: client).store(all)
            let store = ExportStore(client: client)
            func sink(_ name: String, token: String, format: HECBatch.Format) -> ExportConfiguration.Sink {
                ExportConfiguration.Sink(
                    name: name, kind: .hec(token: token, format: format, index: format == .ocsf ? "security" : nil),
                    url: receiver.url, fromBeginning: true)
            }
            let refused = Self.configuration([sink("wrong", token: "nope", format: .native)])
            let error = await #expect(throws: ExportFailure.self) {
                try await ExportService(store: store, configuration: refused).drain()
            }
            #expect(error?.status == 401)
            #expect(try await store.cursors().first { $0.sink == "wrong" }?.exported == 0)
            #expect(try receiver.received().isEmpty)

            let both = Self.configuration([
                sink("native", token: "hec-t0ken", format: .native), sink("ocsf", token: "hec-t0ken", format: .ocsf),
            ])
            #expect(
                try await ExportService(store: store, configuration: both).drain() == ["native": 1_500, "ocsf": 1_500])
            let lines = try receiver.lines()
            let native = lines.filter { $0["sourcetype"] as? String == "ringfence:agent:decision" }
            let findings = lines.filter { $0["sourcetype"] as? String == "ocsf:detection_finding" }
            #expect(Set(native.compactMap { $0["event_id"] as? String }) == Set(all.map(\.eventID)))
            #expect(native.count == all.count)
            let ruled = all.filter { !$0.ruleID.isEmpty }
            #expect(ruled.count < all.count, "some events name no rule")
            #expect(Set(findings.compactMap { $0["event_id"] as? String }) == Set(ruled.map(\.eventID)))
            #expect(findings.count == ruled.count)
            #expect(findings.allSatisfy { $0["index"] as? String == "security" })
        }
    }
}
