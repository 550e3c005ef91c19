import Foundation
import GRPCCore
import Logging
import RingfenceCore
import RingfenceProto
import RingfenceStore

extension AgentService {
    /// RequestException: records an exception request for a user bound to the caller's
    /// host; approvers decide it later (`ringfence exceptions`, the admin API).
    public func requestException(
        request: ServerRequest<Ringfence_V1_RequestExceptionRequest>, context: ServerContext
    ) async throws -> ServerResponse<Ringfence_V1_RequestExceptionResponse> {
        let caller = try AgentCaller.authenticated()
        try caller.requireHost(request.message.hostID)
        let ask = try request.message.validated()
        guard try await facts.host(caller.hostID, now: Date()).admits(user: ask.user) else {
            throw DecisionFacts.Refusal.userNotBound(user: ask.user, host: caller.hostID)
        }
        let made = try await dependencies.exceptions.create(
            requester: ask.user, host: caller.hostID, pack: ask.pack, rule: ask.rule, repo: ask.repo,
            justification: ask.justification, duration: ask.duration)
        logger.notice(
            "exception requested",
            metadata: ["request": "\(made.id)", "host": "\(caller.hostID)", "rule": "\(ask.pack)/\(ask.rule)"])
        var response = Ringfence_V1_RequestExceptionResponse()
        response.requestID = made.id
        response.status = made.status.rawValue
        response.message =
            "request \(made.id) is pending: the owners of your groups or the approver group decide it; you are told by mail"
        return ServerResponse(message: response)
    }
}

extension ExceptionStore.Failure: RPCErrorConvertible {
    /// A refused request is FAILED_PRECONDITION (the policy or the request's state says
    /// no) or INVALID_ARGUMENT (its content); a second pending one is ALREADY_EXISTS.
    public var rpcErrorCode: RPCError.Code {
        switch self {
        case .alreadyPending: .alreadyExists
        case .unknown: .notFound
        case .refused(let refusal):
            switch refusal {
            case .justification, .duration, .repository: .invalidArgument
            default: .failedPrecondition
            }
        }
    }
    public var rpcErrorMessage: String { description }
}
