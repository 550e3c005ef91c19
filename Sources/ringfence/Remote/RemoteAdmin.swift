import Foundation
import HTTPTypes
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime
import RingfenceAdminAPI

/// The admin API as the CLI's `--server` uses it: the generated client over
/// async-http-client, the token on every request, and every answer that is not a success
/// turned into a ``RemoteFailure`` with the problem's detail — so callers read `.ok` only.
struct RemoteAdmin: Sendable {
    let client: Client

    init(serverURL: URL, token: String) {
        client = Client(
            serverURL: serverURL, transport: AsyncHTTPClientTransport(),
            middlewares: [Bearer(token: token), Problems()])
    }

    /// Every page of a list, in order, until a page says no more follow (at most `pages`).
    static func all<Item>(
        pages: Int = 10_000, _ page: (_ cursor: String?) async throws -> (items: [Item], next: String?)
    ) async throws -> [Item] {
        var items: [Item] = []
        var cursor: String?
        for _ in 0..<pages {
            let (batch, next) = try await page(cursor)
            items += batch
            guard let next else { break }
            cursor = next
        }
        return items
    }

    /// Adds `Authorization: Bearer`.
    struct Bearer: ClientMiddleware {
        let token: String

        func intercept(
            _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
            next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
        ) async throws -> (HTTPResponse, HTTPBody?) {
            var request = request
            request.headerFields[.authorization] = "Bearer \(token)"
            return try await next(request, body, baseURL)
        }
    }

    /// Throws the problem of any answer that is not 2xx.
    struct Problems: ClientMiddleware {
        func intercept(
            _ request: HTTPRequest, body: HTTPBody?, baseURL: URL, operationID: String,
            next: @Sendable (HTTPRequest, HTTPBody?, URL) async throws -> (HTTPResponse, HTTPBody?)
        ) async throws -> (HTTPResponse, HTTPBody?) {
            let (response, responseBody) = try await next(request, body, baseURL)
            guard response.status.kind != .successful else { return (response, responseBody) }
            var detail = response.status.reasonPhrase
            var problems: [String] = []
            if let responseBody, let data = try? await Data(collecting: responseBody, upTo: 1 << 20),
                let problem = try? JSONDecoder().decode(Components.Schemas.Problem.self, from: data)
            {
                detail = problem.detail ?? problem.title
                problems = problem.problems ?? []
            }
            throw RemoteFailure(status: response.status.code, detail: detail, problems: problems)
        }
    }
}

/// An admin API answer that was not a success, as the CLI reports it.
struct RemoteFailure: Error, CustomStringConvertible {
    var status: Int
    var detail: String
    var problems: [String]

    var description: String {
        (["the server answered \(status): \(detail)"] + problems.map { "  \($0)" }).joined(separator: "\n")
    }
}
