import AsyncHTTPClient
import Foundation
import NIOCore
import RingfenceStore

/// Sends events to a Splunk HTTP Event Collector (`POST …/services/collector/event`,
/// `Authorization: Splunk <token>`; ``HECBatch``). A 2xx answer acknowledges the batch.
/// The token is never logged.
public struct HECSink: ExportSink {
    public let name: String
    let poster: HTTPPoster
    let format: HECBatch.Format
    let index: String?

    public init(
        name: String, url: String, token: String, format: HECBatch.Format, index: String?, client: HTTPClient,
        timeout: TimeAmount
    ) {
        self.name = name
        self.format = format
        self.index = index
        poster = HTTPPoster(
            client: client, url: url,
            headers: [("Authorization", "Splunk \(token)"), ("Content-Type", "application/json")], timeout: timeout)
    }

    public func send(_ events: [StoredEvent]) async throws {
        let batch = try HECBatch(events, format: format, index: index)
        guard batch.count > 0 else { return }
        _ = try await poster.post(batch.body, sink: name)
    }
}
