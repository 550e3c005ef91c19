import Foundation
import GRPCCore

/// What a failed call was, decided from the error its handler threw and what the
/// transport said about the call — pure, so every case is tested without a server.
///
/// The status a client gets and the `code` label of `ringfence_rpc_requests_total` both
/// come from here, so a metric never says `unavailable` (an operator's alert) for a client
/// that left, nor `internalError` for a request that was too large.
public enum CallFailure: Equatable, Sendable {
    /// The handler's own answer (or one convertible to it), passed through as it is.
    case answered(RPCError)
    /// The client cancelled the call or closed its stream before the answer.
    case cancelled
    /// The call's deadline (`grpc-timeout`) passed before the answer.
    case deadlineExceeded
    /// The transport refused a request message: over `server.maxMessageBytes` (with no
    /// compression configured, the only reason a message cannot be deframed).
    case requestTooLarge
    /// Anything else: a dependency (PostgreSQL) failed. Logged in full; the client is told
    /// to retry.
    case unavailable

    /// Classifies `error` thrown while serving a call.
    /// - Parameters:
    ///   - cancelled: whether the transport cancelled the call (client reset, deadline).
    ///   - deadlinePassed: whether the call's own deadline has passed.
    public static func classify(_ error: any Error, cancelled: Bool, deadlinePassed: Bool) -> CallFailure {
        if let inbound = error as? InboundStreamFailure {
            switch (inbound.underlying as? RPCError)?.code {
            case .internalError?, .resourceExhausted?:
                // The transport's deframer: "Failed to decode message".
                return .requestTooLarge
            case nil, .unavailable?, .cancelled?, .deadlineExceeded?:
                // The stream was reset or closed under the call.
                return deadlinePassed ? .deadlineExceeded : .cancelled
            case .some:
                // The message arrived but did not decode (INVALID_ARGUMENT from the deserializer).
                return .answered(inbound.underlying as! RPCError)
            }
        }
        if cancelled || error is CancellationError {
            return deadlinePassed ? .deadlineExceeded : .cancelled
        }
        if let rpc = error as? RPCError { return .answered(rpc) }
        if let convertible = error as? any RPCErrorConvertible { return .answered(RPCError(convertible)) }
        return .unavailable
    }

    /// A call whose handler answered although the transport had cancelled it: the client
    /// reset its stream (its request stream then simply ends) or its deadline passed, so
    /// the answer never reaches it. Nil when the call was not cancelled.
    public static func unheard(cancelled: Bool, deadlinePassed: Bool) -> CallFailure? {
        guard cancelled else { return nil }
        return deadlinePassed ? .deadlineExceeded : .cancelled
    }

    /// The status the client gets for this failure of `method`.
    public func rpcError(method: String, maxMessageBytes: Int) -> RPCError {
        switch self {
        case .answered(let error): error
        case .cancelled: RPCError(code: .cancelled, message: "the call was cancelled by the client")
        case .deadlineExceeded:
            RPCError(code: .deadlineExceeded, message: "the call's deadline passed before it was answered")
        case .requestTooLarge:
            RPCError(
                code: .resourceExhausted,
                message:
                    "a request message is larger than \(maxMessageBytes) bytes (server.maxMessageBytes) or could not be deframed"
            )
        case .unavailable:
            RPCError(code: .unavailable, message: "\(method) could not be completed now (a dependency failed); retry")
        }
    }
}

/// An error raised by the inbound message stream of a call (the transport), told apart
/// from errors of the handler's own work.
public struct InboundStreamFailure: Error, Sendable {
    public var underlying: any Error
}

/// A call's request messages with the stream's own errors marked as `InboundStreamFailure`.
struct InboundMessages<Message: Sendable>: AsyncSequence, Sendable {
    typealias Element = Message
    let base: RPCAsyncSequence<Message, any Error>

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: RPCAsyncSequence<Message, any Error>.AsyncIterator

        mutating func next() async throws -> Message? {
            do {
                return try await base.next()
            } catch {
                throw InboundStreamFailure(underlying: error)
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(base: base.makeAsyncIterator()) }
}
