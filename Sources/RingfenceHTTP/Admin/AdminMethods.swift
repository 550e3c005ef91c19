import HTTPTypes
import Hummingbird
import OpenAPIRuntime
import RingfenceAdminAPI

/// The methods each path of the admin API allows, as the generated code registers them;
/// as router middleware it answers what no route took: a 405 problem with `Allow` for
/// another method on an API path, a 404 problem for any other path (not the router's
/// empty 404).
struct AdminMethods<Context: RequestContext>: RouterMiddleware {
    /// Path patterns (`{name}` matches one segment) and their methods.
    let paths: [(segments: [Substring], methods: Set<HTTPRequest.Method>)]

    /// The paths and methods `api` registers.
    init(of api: some APIProtocol) throws {
        let recorder = Recorder()
        try api.registerHandlers(on: recorder)
        paths = recorder.methods.map { (segments: $0.key.split(separator: "/"), methods: $0.value) }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let segments = request.uri.path.split(separator: "/")
            guard let match = paths.first(where: { Self.matches($0.segments, segments) }) else {
                return AdminFailure.notFound("no such path; the API is described in openapi/admin.yaml").response
            }
            let allow = match.methods.map(\.rawValue).sorted().joined(separator: ", ")
            var response = AdminFailure(
                status: 405, title: "Method Not Allowed",
                detail: "\(request.method.rawValue) is not allowed here; \(allow) is"
            ).response
            response.headers[.allow] = allow
            return response
        }
    }

    static func matches(_ pattern: [Substring], _ path: [Substring]) -> Bool {
        pattern.count == path.count
            && zip(pattern, path).allSatisfy { $0.first == "{" && $0.last == "}" ? !$1.isEmpty : $0 == $1 }
    }

    /// A transport that only notes what is registered.
    private final class Recorder: ServerTransport {
        var methods: [String: Set<HTTPRequest.Method>] = [:]

        func register(
            _ handler:
                @Sendable @escaping (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (
                    HTTPResponse, HTTPBody?
                ), method: HTTPRequest.Method, path: String
        ) throws {
            methods[path, default: []].insert(method)
        }
    }
}
