import Foundation
import Hummingbird
import Logging
import OpenAPIHummingbird
import PostgresNIO
import RingfenceAdminAPI
import RingfenceServer
import RingfenceStore
import ServiceLifecycle

/// The admin listener of `ringfence serve` (the `admin:` section): the admin API of
/// openapi/admin.yaml on Hummingbird 2, on its own address, with TLS from a certificate
/// and key file. Every request needs an admin token (per-token rate limit); the token's
/// role decides which operations it may call. A Service, run in serve's service group.
public struct AdminServer: Service {
    /// Where and how the listener serves.
    public struct Configuration: TokenListenerConfiguration, Sendable, Equatable {
        public var listener: HTTPListener
        /// Requests per second per token, and the burst above it.
        public var ratePerSecond: Double
        public var burst: Double
        /// How long a token's stored record is used before it is read again (bounds how
        /// long a revocation made on another replica takes to apply).
        public var tokenCacheSeconds: Double
        /// The web console on the same listener (`admin.console`); none without it.
        public var console: ConsoleSettings?
        /// Whose members may decide any exception request (the `exceptions` section's
        /// `approverGroup`); owners of the requester's groups always may.
        public var approverGroup: String?

        public init(
            listener: HTTPListener = HTTPListener(host: "127.0.0.1", port: 8444), ratePerSecond: Double = 50,
            burst: Double = 100, tokenCacheSeconds: Double = 5, console: ConsoleSettings? = nil
        ) {
            self.console = console
            self.listener = listener
            self.ratePerSecond = ratePerSecond
            self.burst = burst
            self.tokenCacheSeconds = tokenCacheSeconds
        }
    }

    let configuration: Configuration
    let client: PostgresClient
    let snapshots: PolicySnapshotCache?
    let passwordCheck: ConsoleSettings.PasswordCheck?
    let logger: Logger

    /// `passwordCheck` checks console sign-ins (a directory bind); the console needs one or
    /// an OpenID Connect provider (`console.oidc`).
    public init(
        configuration: Configuration, client: PostgresClient, snapshots: PolicySnapshotCache? = nil,
        passwordCheck: ConsoleSettings.PasswordCheck? = nil, logger: Logger = Logger(label: "ringfence.admin")
    ) {
        self.passwordCheck = passwordCheck
        self.configuration = configuration
        self.client = client
        self.snapshots = snapshots
        self.logger = logger
    }

    /// The router of the admin API (also what tests serve).
    public static func router(
        client: PostgresClient, configuration: Configuration, snapshots: PolicySnapshotCache?,
        passwordCheck: ConsoleSettings.PasswordCheck? = nil, logger: Logger
    ) throws -> Router<AdminRequestContext> {
        let fleet = FleetStore(client: client)
        let check = BearerKeyCheck(
            lookup: { try await fleet.apiKey(prefix: $0) }, cacheSeconds: configuration.tokenCacheSeconds,
            limiter: RateLimiter(rate: configuration.ratePerSecond, burst: configuration.burst))
        let handler = AdminHandler(
            fleet: fleet, directory: DirectoryStore(client: client), policies: PolicyStore(client: client),
            population: PopulationStore(client: client), exceptions: ExceptionStore(client: client),
            approverGroup: configuration.approverGroup, rollout: RolloutRound(client: client),
            reports: ReportRecords(client: client),
            snapshots: snapshots,
            forgetToken: { check.forget(prefix: $0) })
        let router = Router(context: AdminRequestContext.self)
        if let console = configuration.console {
            try ConsoleRoutes(
                settings: console, passwordCheck: passwordCheck, client: ConsoleSessionStore(client: client),
                directory: DirectoryStore(client: client), handler: handler, logger: logger
            ).add(to: router)
        }
        router.add(middleware: try AdminMethods(of: handler))
        let api = router.group("/").add(middleware: AdminBodyLimit()).add(middleware: AdminAuthentication(check: check))
        try handler.registerHandlers(
            on: api, middlewares: [AdminErrorMiddleware(logger: logger), AdminAuthorizationMiddleware()])
        return router
    }

    public func run() async throws {
        let router = try Self.router(
            client: client, configuration: configuration, snapshots: snapshots, passwordCheck: passwordCheck,
            logger: logger)
        try await configuration.listener.run(router, name: "admin API", server: "ringfence-admin", logger: logger)
    }
}

/// The console was configured with no way to sign in: no `directory` section to check
/// passwords against and no OpenID Connect provider.
public struct ConsoleUnavailable: Error, CustomStringConvertible {
    public init() {}

    public var description: String {
        "admin.console needs the directory section (people sign in with their directory password) or admin.console.oidc"
    }
}
