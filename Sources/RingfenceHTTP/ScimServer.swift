import Foundation
import Hummingbird
import Logging
import PostgresNIO
import RingfenceSCIM
import RingfenceServer
import RingfenceStore
import ServiceLifecycle

/// The SCIM listener of `ringfence serve` (the `scim:` section): Hummingbird 2 on its own
/// address, with TLS from a certificate and key file as for the agent port, every request
/// behind a SCIM token with a per-token rate limit. A Service, run in serve's service group.
public struct ScimServer: Service {
    /// Where and how the listener serves.
    public struct Configuration: TokenListenerConfiguration, Sendable, Equatable {
        public var listener: HTTPListener
        /// The public URL up to `/scim/v2`, for `meta.location`; nil: from the Host header.
        public var publicURL: String?
        /// Requests per second per token, and the burst above it.
        public var ratePerSecond: Double
        public var burst: Double
        /// How long a token's stored record is used before it is read again.
        public var tokenCacheSeconds: Double
        /// The limits past which a provider's removals wait for an operator.
        public var burstGuard: ScimBurstGuard

        public init(
            listener: HTTPListener = HTTPListener(host: "127.0.0.1", port: 8443), publicURL: String? = nil,
            ratePerSecond: Double = 200, burst: Double = 400, tokenCacheSeconds: Double = 5,
            burstGuard: ScimBurstGuard = ScimBurstGuard()
        ) {
            self.burstGuard = burstGuard
            self.listener = listener
            self.publicURL = publicURL
            self.ratePerSecond = ratePerSecond
            self.burst = burst
            self.tokenCacheSeconds = tokenCacheSeconds
        }
    }

    let configuration: Configuration
    let client: PostgresClient
    let logger: Logger

    public init(configuration: Configuration, client: PostgresClient, logger: Logger = Logger(label: "ringfence.scim"))
    {
        self.configuration = configuration
        self.client = client
        self.logger = logger
    }

    /// The router of the SCIM service (also what tests serve).
    public static func router(client: PostgresClient, configuration: Configuration, logger: Logger) -> Router<
        ScimRequestContext
    > {
        let router = Router(context: ScimRequestContext.self)
        let fleet = FleetStore(client: client)
        let check = BearerKeyCheck(
            lookup: { try await fleet.apiKey(prefix: $0) }, cacheSeconds: configuration.tokenCacheSeconds,
            limiter: RateLimiter(rate: configuration.ratePerSecond, burst: configuration.burst))
        ScimService(
            client: client, publicURL: configuration.publicURL, burstGuard: configuration.burstGuard, logger: logger
        ).addRoutes(to: router, check: check)
        return router
    }

    public func run() async throws {
        try await configuration.listener.run(
            Self.router(client: client, configuration: configuration, logger: logger), name: "SCIM",
            server: "ringfence-scim", logger: logger)
    }
}
