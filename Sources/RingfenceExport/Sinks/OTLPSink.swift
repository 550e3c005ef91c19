import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import RingfenceStore

/// Sends events as OTLP logs over OTLP/HTTP with the JSON encoding
/// (`POST …/v1/logs`, `Content-Type: application/json`; ``OTLPLogsRequest``). A 2xx
/// answer acknowledges the batch; one that reports a partial success (records the
/// collector rejected) is logged and counted, not sent again, as the OTLP specification
/// asks.
public struct OTLPSink: ExportSink {
    public let name: String
    let poster: HTTPPoster
    let logger: Logger

    public init(name: String, url: String, headers: [(String, String)] = [], client: HTTPClient, timeout: TimeAmount) {
        self.name = name
        poster = HTTPPoster(
            client: client, url: url, headers: [("Content-Type", "application/json")] + headers, timeout: timeout)
        logger = Logger(label: "ringfence.export.otlp")
    }

    public func send(_ events: [StoredEvent]) async throws {
        let answer = try await poster.post(try OTLPLogsRequest(events).json(), sink: name)
        if let rejected = Self.rejected(answer), rejected > 0 {
            logger.warning(
                "the collector rejected some log records",
                metadata: [
                    "sink": "\(name)", "rejected": "\(rejected)",
                    "answer": "\(String(decoding: answer.prefix(512), as: UTF8.self))",
                ])
        }
    }

    /// `partialSuccess.rejectedLogRecords` of an `ExportLogsServiceResponse` in JSON.
    static func rejected(_ answer: Data) -> Int? {
        guard let object = try? JSONSerialization.jsonObject(with: answer) as? [String: Any],
            let partial = object["partialSuccess"] as? [String: Any]
        else { return nil }
        if let number = partial["rejectedLogRecords"] as? Int { return number }
        return (partial["rejectedLogRecords"] as? String).flatMap { Int($0) }
    }
}
