import Foundation
import GRPCCore
import Logging
import RingfenceCore
import RingfenceProto
import RingfenceStore

/// The gRPC service agents call (`ringfence.v1.AgentService`, proto/ringfence/v1/agent.proto):
/// enrolment, heartbeats with inventory, policy at login, audit events, key rotation,
/// exception requests.
///
/// Each handler (one file per RPC, `AgentService+<RPC>.swift`) is the steps of its RPC
/// only. What every call needs is done around them by interceptors (`AgentServer.interceptors`):
/// metrics, authentication (the caller is `AgentCaller.current`) and turning thrown errors
/// into statuses (`ErrorInterceptor`); wire validation and mapping are pure functions in
/// `RingfenceProto/Validation`, and `WireError` reaches the client as INVALID_ARGUMENT.
///
/// Policy is resolved from the in-memory snapshot (`PolicySnapshotCache`), so fetches keep
/// being answered while PostgreSQL is away; events are acknowledged only once PostgreSQL
/// has committed them.
public struct AgentService: Ringfence_V1_AgentService.ServiceProtocol {
    /// Where the service keeps and finds things.
    public struct Dependencies: Sendable {
        public var fleet: FleetStore
        public var directory: DirectoryStore
        public var events: EventStore
        public var snapshots: PolicySnapshotCache
        public var evidence: EvidenceRecorder
        public var metrics: ServerMetrics
        /// Signs the policy hosts cache for their hook.
        public var signer: PolicySigner
        /// Exception requests.
        public var exceptions: ExceptionStore

        public init(
            fleet: FleetStore, directory: DirectoryStore, events: EventStore, snapshots: PolicySnapshotCache,
            evidence: EvidenceRecorder, metrics: ServerMetrics, signer: PolicySigner, exceptions: ExceptionStore
        ) {
            self.exceptions = exceptions
            self.fleet = fleet
            self.directory = directory
            self.events = events
            self.snapshots = snapshots
            self.evidence = evidence
            self.metrics = metrics
            self.signer = signer
        }
    }

    let configuration: AgentServerConfiguration
    let dependencies: Dependencies
    /// The authenticator the interceptor uses; RotateKey tells it to forget a rotated key.
    let authenticator: AgentAuthenticator
    let enrollLimiter: RateLimiter
    let validator: AuditEventValidator
    let facts: DecisionFacts
    let watches = WatchLimiter(perHost: 4)
    let signatures: SignedPolicyCache
    let logger: Logger

    public init(
        configuration: AgentServerConfiguration, dependencies: Dependencies, authenticator: AgentAuthenticator,
        logger: Logger = Logger(label: "ringfence.agent-service")
    ) {
        self.configuration = configuration
        self.dependencies = dependencies
        self.authenticator = authenticator
        self.enrollLimiter = RateLimiter(rate: configuration.enrollPerSecond, burst: configuration.enrollBurst)
        self.validator = AuditEventValidator(maxAge: configuration.eventMaxAge, maxFuture: configuration.eventMaxFuture)
        self.signatures = SignedPolicyCache(signer: dependencies.signer)
        self.facts = DecisionFacts(
            fleet: dependencies.fleet, directory: dependencies.directory,
            cacheSeconds: configuration.cacheSeconds)
        self.logger = logger
    }

    /// The authenticator of a server's agent calls, shared by the interceptor and RotateKey.
    public static func authenticator(configuration: AgentServerConfiguration, fleet: FleetStore) -> AgentAuthenticator {
        AgentAuthenticator(
            lookup: { try await fleet.apiKey(prefix: $0) }, cacheSeconds: configuration.cacheSeconds,
            limiter: RateLimiter(rate: configuration.rateLimitPerSecond, burst: configuration.rateLimitBurst))
    }

    /// The address part of a gRPC peer (`ipv4:127.0.0.1:5000` → `ipv4:127.0.0.1`).
    static func clientAddress(_ peer: String) -> String {
        guard let colon = peer.lastIndex(of: ":"), peer.hasPrefix("ipv") else { return peer }
        return String(peer[..<colon])
    }
}
