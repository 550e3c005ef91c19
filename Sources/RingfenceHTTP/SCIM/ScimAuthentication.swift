import Hummingbird
import RingfenceSCIM
import RingfenceServer
import RingfenceStore

/// Admits a SCIM request only with a live SCIM token (`ringfence scim token create`):
/// anything else is a SCIM error, 401 (429 over the token's rate limit, 503 when the
/// token cannot be checked now). The token's provider goes into the context.
struct ScimAuthentication: RouterMiddleware {
    typealias Context = ScimRequestContext
    let check: BearerKeyCheck

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        // A NUL in a path or a filter would reach PostgreSQL, which stores no text with one.
        if request.uri.description.lowercased().contains("%00") {
            return ScimResponse.error(.invalidValue("a NUL character is not allowed in the URL"))
        }
        var context = context
        do {
            let (_, stored) = try await check.check(header: request.headers[.authorization], kind: .scim)
            guard let provider = stored.label, !provider.isEmpty else {
                return ScimResponse.error(.unauthorized("the token names no provider"))
            }
            context.provider = provider
        } catch {
            switch error {
            case .rateLimited(_, let seconds):
                var response = ScimResponse.error(ScimError(status: 429, detail: error.description))
                response.headers[.retryAfter] = String(Int(seconds.rounded(.up)))
                return response
            case .unavailable: return ScimResponse.error(ScimError(status: 503, detail: error.description))
            default:
                var response = ScimResponse.error(.unauthorized(error.description))
                response.headers[.wwwAuthenticate] = "Bearer realm=\"scim\""
                return response
            }
        }
        return try await next(request, context)
    }
}
