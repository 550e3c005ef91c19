import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A plain HTTP GET for tests, with a deadline: Foundation's `URLSession` on Linux once left
/// a test waiting for ever on a connection the server had closed (CLOSE-WAIT, no thread
/// busy) and held a whole CI run.
public enum TestHTTP {
    /// What came back.
    public struct Response: Sendable {
        public var status: Int
        public var contentType: String?
        public var body: String
    }

    /// GETs `address`; fails after `deadline` (a guard against a hang, not a budget).
    public static func get(_ address: String, deadline: TimeAmount = .seconds(120)) async throws -> Response {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: address), timeout: deadline)
        let body = try await response.body.collect(upTo: 64 << 20)
        return Response(
            status: Int(response.status.code), contentType: response.headers.first(name: "content-type"),
            body: String(buffer: body))
    }
}
