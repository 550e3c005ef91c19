import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle
import Synchronization

/// Serves the Prometheus text exposition of a registry on `GET /metrics` (HTTP/1.1),
/// and 404 for anything else. Runs until graceful shutdown.
public final class MetricsEndpoint: Service, Sendable {
    let host: String
    let port: Int
    let registry: PrometheusCollectorRegistry
    let logger: Logger
    private let bound: Mutex<EventLoopPromise<Int>?>
    private let boundFuture: EventLoopFuture<Int>

    public init(
        host: String, port: Int, registry: PrometheusCollectorRegistry,
        logger: Logger = Logger(label: "ringfence.metrics")
    ) {
        self.host = host
        self.port = port
        self.registry = registry
        self.logger = logger
        let promise = MultiThreadedEventLoopGroup.singleton.any().makePromise(of: Int.self)
        self.bound = Mutex(promise)
        self.boundFuture = promise.futureResult
    }

    /// The port it listens on, once bound (useful with port 0).
    public var listeningPort: Int {
        get async throws { try await boundFuture.get() }
    }

    public func run() async throws {
        let registry = self.registry
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(MetricsHandler(registry: registry))
                }
            }
            .bind(host: host, port: port).get()
        let port = channel.localAddress?.port ?? self.port
        bound.withLock {
            $0?.succeed(port)
            $0 = nil
        }
        logger.notice("metrics listening", metadata: ["address": "http://\(host):\(port)/metrics"])
        // Ends on a graceful shutdown, and when its task is cancelled.
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await channel.closeFuture.get()
            } onCancel: {
                channel.close(promise: nil)
            }
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
    }

    deinit {
        bound.withLock { $0?.fail(CancellationError()) }
    }
}

/// Answers one HTTP/1.1 request at a time with the registry's text.
final class MetricsHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let registry: PrometheusCollectorRegistry

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let head) = unwrapInboundIn(data) else { return }
        let found = head.method == .GET && (head.uri == "/metrics" || head.uri.hasPrefix("/metrics?"))
        let body = found ? registry.emitToBuffer() : Array("not found: try /metrics\n".utf8)
        var headers = HTTPHeaders()
        headers.add(
            name: "Content-Type",
            value: found ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: String(body.count))
        let status: HTTPResponseStatus = found ? .ok : .notFound
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))),
            promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
