import Foundation
import HTTPTypes
import Logging
import OpenAPIRuntime
import RingfenceCore
import RingfenceFiles
import RingfenceServer
import RingfenceStore

/// What every operation of the admin API goes through, around the generated handlers
/// (grpc-swift-2's interceptors, for OpenAPI): errors turned into problem documents, then
/// the role checked against the operation's permission.
struct AdminErrorMiddleware: ServerMiddleware {
    let logger: Logger

    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        do {
            return try await next(request, body, metadata)
        } catch {
            let failure = Self.failure(for: (error as? ServerError)?.underlyingError ?? error)
            if failure.status >= 500 {
                logger.error(
                    "admin API operation failed",
                    metadata: ["operation": "\(operationID)", "error": "\(String(reflecting: error))"])
            }
            return (HTTPResponse(status: failure.httpStatus, headerFields: failure.httpHeaderFields), failure.httpBody)
        }
    }

    /// A request's value that does not decode, in words (the path of the value and why).
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let path = context.codingPath.map(\.stringValue).filter { !$0.isEmpty }.joined(separator: ".")
            return path.isEmpty ? "a value" : "'\(path)'"
        }
        switch error {
        case .typeMismatch(let type, let context): return "\(path(context)) is not a valid \(type)"
        case .valueNotFound(_, let context): return "\(path(context)) is missing"
        case .keyNotFound(let key, _): return "'\(key.stringValue)' is missing"
        case .dataCorrupted(let context): return "\(path(context)) is malformed: \(context.debugDescription)"
        @unknown default: return "the request does not decode"
        }
    }

    /// The problem an error is answered with.
    static func failure(for error: any Error) -> AdminFailure {
        switch error {
        case let failure as AdminFailure: return failure
        case let failure as DecisionQuery.Failure: return .notFound(failure.description)
        case let refusal as DecisionFacts.Refusal:
            switch refusal {
            case .unknownHost: return .notFound(refusal.description)
            case .userNotBound: return .badRequest(refusal.description)
            }
        case let refused as PolicyStoreError:
            switch refused {
            case .invalid(let problems): return .invalidPolicy(problems)
            case .revisionMoved, .packVersionChanged: return .conflict(refused.description)
            case .unknownRevision, .noPolicy: return .notFound(refused.description)
            }
        case let failure as ExceptionStore.Failure:
            switch failure {
            case .unknown: return .notFound(failure.description)
            case .alreadyPending: return .conflict(failure.description)
            case .refused(.notPending): return .conflict(failure.description)
            case .refused(.ownRequest), .refused(.notApprover): return .forbidden(failure.description)
            case .refused: return .badRequest(failure.description)
            }
        case let invalid as PolicyLoadError: return .invalidPolicy(invalid.errors.map(\.description))
        case let invalid as PolicySnapshotError: return .invalidPolicy(invalid.problems)
        case let unreachable as DatabaseUnreachable: return .unavailable(unreachable.description)
        case let decoding as DecodingError: return .badRequest(Self.describe(decoding))
        case let convertible as any HTTPResponseConvertible:
            let status = convertible.httpStatus.code
            return AdminFailure(
                status: status, title: convertible.httpStatus.reasonPhrase,
                detail: status < 500 ? "\(error)" : "the request failed; the server's log says why")
        default: return .internalError()
        }
    }
}

/// Refuses an operation the principal's role does not allow (403), before its handler runs.
struct AdminAuthorizationMiddleware: ServerMiddleware {
    func intercept(
        _ request: HTTPRequest, body: HTTPBody?, metadata: ServerRequestMetadata, operationID: String,
        next: @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?)
    ) async throws -> (HTTPResponse, HTTPBody?) {
        let principal = try AdminPrincipal.required()
        guard AdminOperationPermissions.allows(principal.role, operationID) else {
            throw AdminFailure.forbidden("role \(principal.role.rawValue) may not call \(operationID)")
        }
        return try await next(request, body, metadata)
    }
}
