import GRPCCore

/// Authenticates agent calls by their `authorization: Bearer <api key>` metadata
/// (`AgentAuthenticator`) and runs the handler with the caller in `AgentCaller.current`.
/// Installed for every method of the agent service but `Enroll` (see
/// `AgentServer.interceptors`); refusals are UNAUTHENTICATED, PERMISSION_DENIED or
/// RESOURCE_EXHAUSTED (rate limit) before the handler runs.
///
/// The caller is bound for the handler's own task: a handler that answers with a stream
/// must read it before it returns its response.
public struct AuthenticationInterceptor: ServerInterceptor {
    let authenticator: AgentAuthenticator

    public init(authenticator: AgentAuthenticator) {
        self.authenticator = authenticator
    }

    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let caller = try await authenticator.authenticate(request.metadata)
        return try await AgentCaller.$current.withValue(caller) {
            try await next(request, context)
        }
    }
}
