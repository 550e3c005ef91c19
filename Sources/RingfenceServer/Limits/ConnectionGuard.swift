import NIOCore
import NIOHTTP2
import Synchronization

/// What stands in front of every connection to the agent service: caps on connections in
/// total and per client address (`ConnectionCounts`), and a deadline for the HTTP/2
/// handshake (`HandshakeDeadlineHandler`) — a client that opens a socket, sends half a
/// preface and stalls is closed instead of being held for ever. Installed on each accepted
/// connection through the transport's accept callback (`AgentServer`); closings are
/// counted in `ringfence_agent_connections_closed_total{reason}` and the connections held
/// in `ringfence_agent_connections`.
public final class ConnectionGuard: Sendable {
    let limits: ConnectionCounts.Limits
    let handshakeTimeout: TimeAmount
    private let metrics: ServerMetrics
    private let counts = Mutex(ConnectionCounts())

    public init(limits: ConnectionCounts.Limits, handshakeTimeout: Duration, metrics: ServerMetrics) {
        self.limits = limits
        self.handshakeTimeout = .nanoseconds(
            handshakeTimeout.components.seconds * 1_000_000_000 + handshakeTimeout.components.attoseconds
                / 1_000_000_000)
        self.metrics = metrics
    }

    /// Lets `channel` in or closes it; once in, the channel releases its place when it closes
    /// and is closed if it does not finish the HTTP/2 handshake in time.
    @Sendable
    public func install(on channel: any Channel) -> EventLoopFuture<Void> {
        let address = channel.remoteAddress?.ipAddress ?? "unknown"
        let admission = counts.withLock { counts in
            let admission = counts.admit(address, limits: limits)
            // Set under the lock, so the gauge never goes back to an older count.
            if admission == .admitted { self.metrics.noteAgentConnections(counts.total) }
            return admission
        }
        guard admission == .admitted else {
            metrics.recordConnectionClosed(reason: admission.rawValue)
            return channel.close().recover { _ in }
        }
        let (timeout, metrics) = (handshakeTimeout, self.metrics)
        let future = channel.eventLoop.submit {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(ConnectionReleaseHandler(owner: self, address: address), position: .first)
            // Right in front of the HTTP/2 handler, so the bytes counted are the ones it
            // parses (after TLS, when there is TLS).
            let http2 = try pipeline.handler(type: NIOHTTP2Handler.self)
            try pipeline.addHandler(
                HandshakeDeadlineHandler(timeout: timeout) {
                    metrics.recordConnectionClosed(reason: "handshake_timeout")
                }, position: .before(http2))
        }
        return future.flatMapError { error in
            self.release(address)
            return channel.close().recover { _ in }.flatMapThrowing { throw error }
        }
    }

    /// Forgets a closed connection.
    func release(_ address: String) {
        counts.withLock { counts in
            counts.release(address)
            metrics.noteAgentConnections(counts.total)
        }
    }
}

/// Gives a connection's place back to its `ConnectionGuard` once, when it closes.
final class ConnectionReleaseHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let owner: ConnectionGuard
    private let address: String
    private var released = false

    init(owner: ConnectionGuard, address: String) {
        self.owner = owner
        self.address = address
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    /// A channel's handlers are removed when it closes, also one closed before it was active.
    func handlerRemoved(context: ChannelHandlerContext) {
        release()
    }

    private func release() {
        guard !released else { return }
        released = true
        owner.release(address)
    }
}
