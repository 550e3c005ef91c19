import NIOCore

/// Closes a connection that has not sent the start of an HTTP/2 conversation within a
/// deadline: the 24-byte client connection preface and the 9-byte header of the SETTINGS
/// frame that must follow it (RFC 9113 §3.4). Placed just before the HTTP/2 handler, so
/// with TLS the deadline covers the TLS handshake too. Removes itself once that much has
/// arrived; from then on the transport's idle timeout and the calls' deadlines apply.
final class HandshakeDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The client preface (RFC 9113 §3.4) and a frame header (§4.1).
    static let bytesNeeded = 24 + 9

    private let timeout: TimeAmount
    private let onTimeout: @Sendable () -> Void
    private var received = 0
    private var deadline: Scheduled<Void>?
    private var handshaken = false

    init(timeout: TimeAmount, onTimeout: @escaping @Sendable () -> Void) {
        self.timeout = timeout
        self.onTimeout = onTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context: context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += unwrapInboundIn(data).readableBytes
        context.fireChannelRead(data)
        if received >= Self.bytesNeeded, !handshaken {
            handshaken = true
            deadline?.cancel()
            deadline = nil
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }

    private func arm(context: ChannelHandlerContext) {
        guard deadline == nil, !handshaken else { return }
        let onTimeout = onTimeout
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            onTimeout()
            context.close(promise: nil)
        }
    }
}
