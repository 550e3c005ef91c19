import Foundation
import Hummingbird
import RingfenceCore
import RingfenceServer
import RingfenceStore

/// Admits an admin API request only with a live admin token (`ringfence keys
/// admin-token`, `POST /api/v1/tokens`): anything else is a 401 problem (429 over the
/// token's rate limit, 503 when the token cannot be checked now). The handlers then run
/// with the token's person and role as ``AdminPrincipal/current``.
struct AdminAuthentication<Context: RequestContext>: RouterMiddleware {
    let check: BearerKeyCheck

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let principal: AdminPrincipal
        do {
            let (key, stored) = try await check.check(header: request.headers[.authorization], kind: .admin)
            guard let role = stored.role.flatMap(AdminRole.init(rawValue:)), let name = stored.label, !name.isEmpty
            else {
                return AdminFailure.unauthorized("API key \(key.prefix) has no role").response
            }
            principal = AdminPrincipal(name: name, role: role, tokenPrefix: key.prefix)
        } catch {
            switch error {
            case .rateLimited(_, let seconds):
                return AdminFailure.tooManyRequests(error.description, retryAfter: Int(seconds.rounded(.up))).response
            case .unavailable: return AdminFailure.unavailable(error.description).response
            default: return AdminFailure.unauthorized(error.description).response
            }
        }
        return try await AdminPrincipal.$current.withValue(principal) { try await next(request, context) }
    }
}

/// Collects a request's body up to ``AdminLimits/maxBodyBytes`` before anything reads it;
/// a larger body is a 413 problem. A JSON body with a `null` anywhere is a 400 problem: no
/// field of the API takes null (an optional field is left out), and the generated decoder
/// would read a null as absent. So is a NUL character in any text, in the body or the URL:
/// PostgreSQL stores no text with one.
struct AdminBodyLimit<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        if request.uri.description.lowercased().contains("%00") {
            return AdminFailure.badRequest("a NUL character is not allowed in a parameter").response
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: AdminLimits.maxBodyBytes)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            return AdminFailure.tooLarge("the request body is larger than \(AdminLimits.maxBodyBytes) bytes").response
        }
        if body.readableBytes > 0, request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true,
            let document = try? JSONSerialization.jsonObject(
                with: Data(body.readableBytesView), options: [.fragmentsAllowed]),
            let problem = Self.problem(in: document)
        {
            return AdminFailure.badRequest(problem).response
        }
        return try await next(request, context)
    }

    /// What no request body of the API may hold, anywhere: nil when there is none.
    static func problem(in value: Any) -> String? {
        switch value {
        case is NSNull: return "null is not a value here: leave an optional field out"
        case let text as String where text.contains("\u{0}"): return "a NUL character is not allowed in text"
        case let object as [String: Any]:
            for (key, value) in object {
                if key.contains("\u{0}") { return "a NUL character is not allowed in text" }
                if let problem = problem(in: value) { return problem }
            }
            return nil
        case let array as [Any]: return array.lazy.compactMap(problem(in:)).first
        default: return nil
        }
    }
}

extension AdminFailure {
    /// The failure as a Hummingbird response (for middleware before the OpenAPI handlers).
    var response: Response {
        var headers = HTTPFields()
        for field in httpHeaderFields { headers.append(field) }
        return Response(
            status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
