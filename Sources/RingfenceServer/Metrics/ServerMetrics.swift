import CoreMetrics
import Foundation
import GRPCCore
import RingfenceAdapters
import RingfenceCore
import Synchronization

/// The service's metrics, created once through swift-metrics (exported for Prometheus by
/// `MetricsEndpoint`). Names and labels are documented in docs/operations.md.
///
/// - `ringfence_rpc_requests_total{method, code}` — calls by method and gRPC status code
/// - `ringfence_rpc_duration_seconds{method}` — call latency (histogram)
/// - `ringfence_events_stored_total`, `ringfence_events_duplicate_total`, `ringfence_events_rejected_total`
/// - `ringfence_policy_revision` — revision of the snapshot in memory
/// - `ringfence_policy_snapshot_live` — 1 while the snapshot follows PostgreSQL, 0 while serving a possibly old one
/// - `ringfence_hosts_connected` — hosts with a heartbeat within the stale threshold
/// - `ringfence_rollout_events_total{kind}` — promotions, steps held by gates, rules held
///   after a promotion and holds released (`promoted`, `held`, `rule-held`, `released`)
/// - `ringfence_rollout_holds` — rule holds in force in the current revision
/// - `ringfence_agent_connections` — connections the agent service holds now
/// - `ringfence_agent_connections_closed_total{reason}` — connections closed by the guard:
///   `limit_total`, `limit_address` (refused at once), `handshake_timeout`
/// - `ringfence_hook_inputs_unrecognized_total{agent}` — events stored for hook input the
///   agent's adapter did not understand (a renamed tool, a new event, a missing field)
public final class ServerMetrics: Sendable {
    let factory: any MetricsFactory
    private let timers = Mutex<[String: CoreMetrics.Timer]>([:])
    private let counters = Mutex<[String: Counter]>([:])
    public let eventsStored: Counter
    public let eventsDuplicate: Counter
    public let eventsRejected: Counter
    public let policyRevision: Gauge
    public let snapshotLive: Gauge
    public let hostsConnected: Gauge
    /// Live hosts whose managed agent files differ from what was served.
    public let hostsDrifted: Gauge
    /// Open WatchPolicy streams: hosts that get a publish within seconds.
    public let watchStreams: Gauge
    /// Rule holds in force in the current revision.
    public let rolloutHolds: Gauge
    /// Connections the agent service holds now (`ConnectionGuard`).
    public let agentConnections: Gauge

    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        self.factory = factory
        eventsStored = Counter(label: "ringfence_events_stored_total", factory: factory)
        eventsDuplicate = Counter(label: "ringfence_events_duplicate_total", factory: factory)
        eventsRejected = Counter(label: "ringfence_events_rejected_total", factory: factory)
        policyRevision = Gauge(label: "ringfence_policy_revision", factory: factory)
        snapshotLive = Gauge(label: "ringfence_policy_snapshot_live", factory: factory)
        hostsConnected = Gauge(label: "ringfence_hosts_connected", factory: factory)
        hostsDrifted = Gauge(label: "ringfence_hosts_drifted", factory: factory)
        watchStreams = Gauge(label: "ringfence_watch_streams", factory: factory)
        rolloutHolds = Gauge(label: "ringfence_rollout_holds", factory: factory)
        agentConnections = Gauge(label: "ringfence_agent_connections", factory: factory)
    }

    /// Counts and times one finished call (`MetricsInterceptor`); `code` nil is OK.
    public func record(method: String, code: RPCError.Code?, elapsed: Duration) {
        timer(method: method).recordNanoseconds(
            elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        requestCounter(method: method, code: code.map(Self.name) ?? "ok").increment()
    }

    /// The `method` label of a call: the method's name for the agent service
    /// (`Heartbeat`), `Service.Method` for others (`Health.Check`).
    public static func methodLabel(_ descriptor: MethodDescriptor) -> String {
        if descriptor.service.fullyQualifiedService == "ringfence.v1.AgentService" { return descriptor.method }
        let service = descriptor.service.fullyQualifiedService.split(separator: ".").last.map(String.init) ?? ""
        return service + "." + descriptor.method
    }

    private func timer(method: String) -> CoreMetrics.Timer {
        if let timer = timers.withLock({ $0[method] }) { return timer }
        let timer = Timer(
            label: "ringfence_rpc_duration_seconds", dimensions: [("method", method)], preferredDisplayUnit: .seconds,
            factory: factory)
        timers.withLock { $0[method] = timer }
        return timer
    }

    /// Counts stored `unrecognized` events of an agent kind (only known kinds get a label).
    public func recordUnrecognized(agent: String, count: Int) {
        let label = AgentLabel.known.contains(agent) ? agent : "other"
        counter("ringfence_hook_inputs_unrecognized_total", [("agent", label)]).increment(by: count)
    }

    /// Sets the number of rule holds in force.
    public func noteRolloutHolds(_ count: Int) { rolloutHolds.record(count) }

    /// Counts something the rollout service did.
    public func recordRollout(_ kind: RolloutEvent.Kind) {
        counter("ringfence_rollout_events_total", [("kind", kind.rawValue)]).increment()
    }

    /// Sets the number of connections the agent service holds.
    public func noteAgentConnections(_ count: Int) { agentConnections.record(count) }

    /// Counts a connection the `ConnectionGuard` closed, by reason.
    public func recordConnectionClosed(reason: String) {
        counter("ringfence_agent_connections_closed_total", [("reason", reason)]).increment()
    }

    private func requestCounter(method: String, code: String) -> Counter {
        counter("ringfence_rpc_requests_total", [("method", method), ("code", code)])
    }

    /// The counter of a label and dimensions, made once (making one goes through the
    /// factory's lock and label lookup, too slow for every call).
    private func counter(_ label: String, _ dimensions: [(String, String)]) -> Counter {
        let key = ([label] + dimensions.map(\.1)).joined(separator: "\u{0}")
        if let counter = counters.withLock({ $0[key] }) { return counter }
        let counter = Counter(label: label, dimensions: dimensions, factory: factory)
        counters.withLock { $0[key] = counter }
        return counter
    }

    static func name(_ code: RPCError.Code) -> String {
        String(describing: code).replacingOccurrences(of: " ", with: "_")
    }
}

/// The agent kinds that get their own metric label; anything else an agent sends is
/// counted as `other`, so a client cannot create unbounded label values.
enum AgentLabel {
    static let known = Set(AgentKind.allCases.map(\.rawValue))
}
