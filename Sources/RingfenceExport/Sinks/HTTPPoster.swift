import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Posts a body to a receiver with async-http-client and reads the answer (at most 1 MiB),
/// failing on anything but 2xx. Shared by the OTLP and HEC sinks.
struct HTTPPoster: Sendable {
    let client: HTTPClient
    let url: String
    let headers: [(String, String)]
    let timeout: TimeAmount

    func post(_ body: Data, sink: String) async throws -> Data {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
        } catch {
            throw ExportFailure(sink: sink, status: nil, detail: "\(error)")
        }
        let answer = try await response.body.collect(upTo: 1 << 20)
        let data = Data(answer.readableBytesView)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw ExportFailure(
                sink: sink, status: Int(response.status.code),
                detail: String(decoding: data.prefix(512), as: UTF8.self))
        }
        return data
    }
}
