import GRPCCore
import Logging

/// Turns whatever a handler throws into the status the client gets (see `CallFailure`),
/// so handlers throw plain errors: a store failure is logged here in full and answered
/// UNAVAILABLE without its details; a client that left is CANCELLED or DEADLINE_EXCEEDED;
/// a message over the size limit is RESOURCE_EXHAUSTED (an answer made for a client that
/// already left is counted as what happened to it); `WireError` and other
/// `RPCErrorConvertible` errors keep their own status.
///
/// Put it last in the pipeline, next to the handlers, so it sees their errors as thrown.
public struct ErrorInterceptor: ServerInterceptor {
    let maxMessageBytes: Int
    let logger: Logger

    public init(maxMessageBytes: Int, logger: Logger = Logger(label: "ringfence.rpc")) {
        self.maxMessageBytes = maxMessageBytes
        self.logger = logger
    }

    public func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>,
        context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        var marked = request
        marked.messages = RPCAsyncSequence(wrapping: InboundMessages(base: request.messages))
        let started = ContinuousClock.now
        // Read only when a call failed or was cancelled, not on every call.
        func deadlinePassed() -> Bool {
            let header = request.metadata[stringValues: "grpc-timeout"].first(where: { _ in true })
            guard let deadline = header.flatMap(CallDeadline.parse) else { return false }
            return ContinuousClock.now - started >= deadline
        }
        let response: StreamingServerResponse<Output>
        do {
            response = try await next(marked, context)
        } catch {
            let failure = CallFailure.classify(
                error, cancelled: context.cancellation.isCancelled, deadlinePassed: deadlinePassed())
            let method = context.descriptor.method
            if failure == .unavailable {
                logger.error(
                    "call failed",
                    metadata: [
                        "method": "\(method)", "peer": "\(context.remotePeer)",
                        "error": "\(String(reflecting: error))",
                    ])
            }
            throw failure.rpcError(method: method, maxMessageBytes: maxMessageBytes)
        }
        if context.cancellation.isCancelled,
            let unheard = CallFailure.unheard(cancelled: true, deadlinePassed: deadlinePassed())
        {
            throw unheard.rpcError(method: context.descriptor.method, maxMessageBytes: maxMessageBytes)
        }
        return response
    }
}
