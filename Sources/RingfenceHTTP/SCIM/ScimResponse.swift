import Foundation
import Hummingbird
import RingfenceSCIM

/// SCIM responses: JSON bodies as `application/scim+json` (RFC 7644 §8.1), errors as the
/// RFC's error document with their status.
enum ScimResponse {
    static func json(_ body: ScimJSON, status: Int = 200, location: String? = nil) -> Response {
        var headers: HTTPFields = [.contentType: "application/scim+json; charset=utf-8"]
        if let location { headers[.location] = location }
        return Response(
            status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body.bytes)))
    }

    static func error(_ error: ScimError) -> Response {
        json(error.body, status: error.status)
    }

    static func noContent() -> Response { Response(status: .noContent) }

    /// The URL's query parameters, decoded as forms encode them (`+` is a space, as in
    /// Entra ID's `filter=userName+eq+"…"`).
    static func parameters(_ request: Request) -> [(name: String, value: String)] {
        guard let query = request.uri.query, !query.isEmpty else { return [] }
        return query.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String {
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }
}
