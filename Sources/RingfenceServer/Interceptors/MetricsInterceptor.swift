import GRPCCore

/// Counts and times every call of the services it is installed on:
/// `ringfence_rpc_requests_total{method, code}` and `ringfence_rpc_duration_seconds{method}`
/// (`ServerMetrics`). The code is the status the client gets, after `ErrorInterceptor`;
/// calls refused by other interceptors (authentication, rate limits) are counted too.
///
/// Put it first in the pipeline. The time is until the handler returned its answer —
/// the whole call for unary and client-streaming methods.
public struct MetricsInterceptor: ServerInterceptor {
    let metrics: ServerMetrics

    public init(metrics: ServerMetrics) {
        self.metrics = metrics
    }

    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        let method = ServerMetrics.methodLabel(context.descriptor)
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            let code: RPCError.Code? =
                switch response.accepted {
                case .success: nil
                case .failure(let error): error.code
                }
            metrics.record(method: method, code: code, elapsed: ContinuousClock.now - started)
            return response
        } catch {
            let code =
                (error as? RPCError)?.code ?? (error as? any RPCErrorConvertible).map { RPCError($0).code } ?? .unknown
            metrics.record(method: method, code: code, elapsed: ContinuousClock.now - started)
            throw error
        }
    }
}
