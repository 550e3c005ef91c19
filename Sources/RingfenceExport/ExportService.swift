import AsyncHTTPClient
import Foundation
import Logging
import Metrics
import NIOCore
import RingfenceStore
import ServiceLifecycle

/// Pushes audit events to each configured sink (docs/exports.md), one loop per sink in
/// `ringfence serve`: a round (``ExportStore/round(sink:limit:before:send:)``) sends the
/// next batch after the sink's cursor and moves the cursor when the receiver acknowledged
/// it; a full batch is followed at once by the next, a short one by a pause of
/// `intervalSeconds`, a failure by a growing pause (``ExportBackoff``) — nothing is
/// skipped and ingestion never waits for a receiver: exports read what is already stored.
///
/// Metrics: `ringfence_export_events_total{sink}`, `ringfence_export_failures_total{sink}`,
/// `ringfence_export_lag_seconds{sink}` (the receive time of the last event exported, seen
/// from now).
public struct ExportService: Service {
    let store: ExportStore
    let configuration: ExportConfiguration
    let logger = Logger(label: "ringfence.export")

    public init(store: ExportStore, configuration: ExportConfiguration) {
        self.store = store
        self.configuration = configuration
    }

    /// The sinks of a configuration, sending through `client`.
    public static func sinks(_ configuration: ExportConfiguration, client: HTTPClient) -> [any ExportSink] {
        let timeout = TimeAmount.milliseconds(Int64(configuration.timeoutSeconds * 1_000))
        return configuration.sinks.map { sink -> any ExportSink in
            switch sink.kind {
            case .otlp:
                OTLPSink(name: sink.name, url: sink.url, client: client, timeout: timeout)
            case .hec(let token, let format, let index):
                HECSink(
                    name: sink.name, url: sink.url, token: token, format: format, index: index, client: client,
                    timeout: timeout)
            }
        }
    }

    /// Runs every sink's loop until cancelled or shut down; may be run again (a new leader
    /// term): each run has its own HTTP client.
    public func run() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let sinks = Self.sinks(configuration, client: client)
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for (sink, settings) in zip(sinks, configuration.sinks) {
                    group.addTask { await loop(sink, fromBeginning: settings.fromBeginning) }
                }
            }
        }
        try await client.shutdown()
    }

    /// Rounds for one sink until cancelled.
    func loop(_ sink: any ExportSink, fromBeginning: Bool) async {
        var failures = 0
        var cursorMade = false
        while !Task.isCancelled {
            let pause: Double
            do {
                if !cursorMade {
                    try await store.cursor(sink: sink.name, fromBeginning: fromBeginning)
                    cursorMade = true
                }
                let sent = try await round(sink)
                failures = 0
                if sent == configuration.batchSize { continue }
                pause = configuration.intervalSeconds
            } catch {
                failures += 1
                Counter(label: "ringfence_export_failures_total", dimensions: [("sink", sink.name)]).increment()
                pause = ExportBackoff.delay(
                    failures: failures, maximum: configuration.maxBackoffSeconds, jitter: Double.random(in: 0...1))
                logger.warning(
                    "export failed; trying again",
                    metadata: [
                        "sink": "\(sink.name)", "failures": "\(failures)", "retryIn": "\(pause)", "error": "\(error)",
                    ])
            }
            do { try await Task.sleep(for: .milliseconds(Int64(pause * 1_000))) } catch { return }
        }
    }

    /// One round for `sink`; returns the events sent (0 when another replica holds it).
    @discardableResult
    public func round(_ sink: any ExportSink) async throws -> Int {
        let before = Date().addingTimeInterval(-configuration.lagSeconds)
        let outcome = try await store.round(sink: sink.name, limit: configuration.batchSize, before: before) {
            events in
            try await sink.send(events)
            if let last = events.last {
                Gauge(label: "ringfence_export_lag_seconds", dimensions: [("sink", sink.name)]).record(
                    Date().timeIntervalSince(last.receivedAt))
            }
        }
        guard case .sent(let count) = outcome else { return 0 }
        if count > 0 {
            Counter(label: "ringfence_export_events_total", dimensions: [("sink", sink.name)]).increment(by: count)
        }
        return count
    }

    /// Sends every sink's backlog now, batch after batch, until each is caught up or fails
    /// (`ringfence export run`); returns the events sent per sink.
    public func drain() async throws -> [String: Int] {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let sinks = Self.sinks(configuration, client: client)
        var sent: [String: Int] = [:]
        do {
            for (sink, settings) in zip(sinks, configuration.sinks) {
                try await store.cursor(sink: sink.name, fromBeginning: settings.fromBeginning)
                var total = 0
                while true {
                    let count = try await round(sink)
                    total += count
                    if count < configuration.batchSize { break }
                }
                sent[sink.name] = total
            }
        } catch {
            try await client.shutdown()
            throw error
        }
        try await client.shutdown()
        return sent
    }
}
