import Foundation
import HTTPTypes
import OpenAPIRuntime

/// Why the admin API refused a request, answered as an RFC 9457 problem document
/// (`application/problem+json`) with the status the OpenAPI document declares for it.
/// Handlers throw these; `AdminErrorMiddleware` turns them (and the domain errors it
/// knows) into responses, so no handler builds an error response itself.
public struct AdminFailure: Error, Equatable, CustomStringConvertible, HTTPResponseConvertible {
    public var status: Int
    public var title: String
    public var detail: String
    /// Every problem of policy files, with file and line (422).
    public var problems: [String]
    /// Seconds to wait (429).
    public var retryAfter: Int?
    /// Sent with 401.
    public var challenge: String?

    public init(
        status: Int, title: String, detail: String, problems: [String] = [], retryAfter: Int? = nil,
        challenge: String? = nil
    ) {
        self.status = status
        self.title = title
        self.detail = detail
        self.problems = problems
        self.retryAfter = retryAfter
        self.challenge = challenge
    }

    public static func badRequest(_ detail: String) -> AdminFailure {
        AdminFailure(status: 400, title: "Bad Request", detail: detail)
    }
    public static func unauthorized(_ detail: String) -> AdminFailure {
        AdminFailure(status: 401, title: "Unauthorized", detail: detail, challenge: "Bearer realm=\"ringfence\"")
    }
    public static func forbidden(_ detail: String) -> AdminFailure {
        AdminFailure(status: 403, title: "Forbidden", detail: detail)
    }
    public static func notFound(_ detail: String) -> AdminFailure {
        AdminFailure(status: 404, title: "Not Found", detail: detail)
    }
    public static func conflict(_ detail: String) -> AdminFailure {
        AdminFailure(status: 409, title: "Conflict", detail: detail)
    }
    public static func tooLarge(_ detail: String) -> AdminFailure {
        AdminFailure(status: 413, title: "Content Too Large", detail: detail)
    }
    public static func invalidPolicy(_ problems: [String]) -> AdminFailure {
        AdminFailure(
            status: 422, title: "Invalid Policy",
            detail: "the policy files do not validate (\(problems.count) problems)",
            problems: problems)
    }
    public static func tooManyRequests(_ detail: String, retryAfter: Int) -> AdminFailure {
        AdminFailure(status: 429, title: "Too Many Requests", detail: detail, retryAfter: retryAfter)
    }
    public static func unavailable(_ detail: String) -> AdminFailure {
        AdminFailure(status: 503, title: "Service Unavailable", detail: detail)
    }
    public static func internalError() -> AdminFailure {
        AdminFailure(
            status: 500, title: "Internal Server Error", detail: "the request failed; the server's log says why")
    }

    public var description: String { "\(status) \(title): \(detail)" }

    // MARK: HTTPResponseConvertible

    public var httpStatus: HTTPResponse.Status { HTTPResponse.Status(code: status) }

    public var httpHeaderFields: HTTPFields {
        var fields: HTTPFields = [.contentType: "application/problem+json"]
        if let retryAfter { fields[.retryAfter] = String(retryAfter) }
        if let challenge { fields[.wwwAuthenticate] = challenge }
        return fields
    }

    public var httpBody: HTTPBody? { HTTPBody(body) }

    /// The problem document's bytes.
    public var body: Data {
        struct Document: Encodable {
            var title: String
            var status: Int
            var detail: String
            var problems: [String]?
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let document = Document(
            title: title, status: status, detail: detail, problems: problems.isEmpty ? nil : problems)
        return (try? encoder.encode(document)) ?? Data("{\"status\":\(status),\"title\":\"\(title)\"}".utf8)
    }
}
