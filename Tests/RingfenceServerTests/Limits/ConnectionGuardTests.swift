import GRPCCore
import GRPCNIOTransportHTTP2
import NIOCore
import NIOPosix
import Prometheus
import RingfenceProto
import RingfenceServer
import RingfenceTestSupport
import Synchronization
import Testing

/// Set once, read from any task: "every stalled connection has been closed".
final class ClosedFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}

/// A raw TCP connection to the agent service from a chosen loopback address, which sends
/// what it is told and nothing else (a stalled or abusive client).
struct RawConnection {
    let channel: any Channel

    static func open(port: Int, from source: String = "127.0.0.1", sending bytes: [UInt8]) async throws -> Self {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(to: try SocketAddress(ipAddress: source, port: 0))
            .connect(host: "127.0.0.1", port: port).get()
        // A connection the server refuses may be closed before the bytes are written: the
        // tests assert the closing, not the write.
        if !bytes.isEmpty { try? await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get() }
        return RawConnection(channel: channel)
    }

    /// Waits until the server closes the connection (at most `guard` seconds, a guard
    /// against a hang, not a budget).
    func waitClosed(guard seconds: Int = 120) async throws {
        try await Self.waitClosed([self], guard: seconds)
    }

    /// Waits until the server has closed every one of `connections`, under one guard. (It
    /// polls: a NIO future ignores task cancellation, so racing one against a timer would
    /// hang on the future.)
    static func waitClosed(_ connections: [RawConnection], guard seconds: Int = 120) async throws {
        for _ in 0..<(seconds * 10) where connections.contains(where: \.channel.isActive) {
            try await Task.sleep(for: .milliseconds(100))
        }
        let open = connections.filter(\.channel.isActive).count
        #expect(open == 0, "\(open) of \(connections.count) connections still open after \(seconds) s")
    }
}

/// The first 16 of the 24 bytes of the HTTP/2 client preface (RFC 9113 §3.4).
let halfPreface = Array("PRI * HTTP/2.0\r\n".utf8)

/// A value of the registry's text exposition, e.g. `ringfence_agent_connections`.
func metricValue(_ registry: PrometheusCollectorRegistry, _ series: String) -> Double {
    for line in registry.emitToString().split(separator: "\n") where line.hasPrefix(series + " ") {
        return Double(line.dropFirst(series.count + 1)) ?? .nan
    }
    return 0
}

/// Waits until a metric reads `value` (bounded by a generous guard).
func waitForMetric(_ registry: PrometheusCollectorRegistry, _ series: String, _ value: Double) async throws {
    for _ in 0..<600 where metricValue(registry, series) != value {
        try await Task.sleep(for: .milliseconds(100))
    }
    #expect(metricValue(registry, series) == value, "\(series)")
}

@Suite(
    "Connection guard of the agent service: caps and handshake deadline",
    .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct ConnectionGuardTests {
    @Test("past the per-address cap a connection is closed at once, past the total cap too; agents keep being served")
    func caps() async throws {
        try await AgentServiceHarness.run(configure: {
            $0.maxConnectionsPerAddress = 3
            $0.maxConnections = 5
            $0.handshakeSeconds = 300
        }) { harness in
            var stalled: [RawConnection] = []
            for _ in 0..<3 {
                stalled.append(try await .open(port: harness.port, from: "127.0.0.2", sending: halfPreface))
            }
            try await waitForMetric(harness.registry, "ringfence_agent_connections", 3)
            let fourth = try await RawConnection.open(port: harness.port, from: "127.0.0.2", sending: halfPreface)
            try await fourth.waitClosed()
            #expect(
                metricValue(harness.registry, #"ringfence_agent_connections_closed_total{reason="limit_address"}"#) == 1
            )
            // The three stalled ones are held (their handshake deadline is minutes away).
            #expect(stalled.allSatisfy { $0.channel.isActive })

            try await harness.withClient { grpc in
                let health = Grpc_Health_V1_Health.Client(wrapping: grpc)
                #expect(try await health.check(Grpc_Health_V1_HealthCheckRequest()).status == .serving)
                try await waitForMetric(harness.registry, "ringfence_agent_connections", 4)
                let another = try await RawConnection.open(port: harness.port, from: "127.0.0.3", sending: halfPreface)
                try await waitForMetric(harness.registry, "ringfence_agent_connections", 5)
                let sixth = try await RawConnection.open(port: harness.port, from: "127.0.0.4", sending: [])
                try await sixth.waitClosed()
                #expect(
                    metricValue(harness.registry, #"ringfence_agent_connections_closed_total{reason="limit_total"}"#)
                        == 1)
                // The agent's connection was let in before the cap was reached and keeps working.
                #expect(try await health.check(Grpc_Health_V1_HealthCheckRequest()).status == .serving)
                try await another.channel.close()
            }
            // Closing connections gives their places back.
            for connection in stalled { try await connection.channel.close() }
            try await waitForMetric(harness.registry, "ringfence_agent_connections", 0)
            #expect(
                metricValue(harness.registry, #"ringfence_agent_connections_closed_total{reason="handshake_timeout"}"#)
                    == 0)
        }
    }

    @Test("connections stalled in the handshake are closed at the deadline while an agent is served throughout")
    func handshakeDeadline() async throws {
        // A deadline long enough that the agent's calls on its open connection (milliseconds
        // each) certainly fall inside it, even on a busy machine.
        try await AgentServiceHarness.run(configure: { $0.handshakeSeconds = 5 }) { harness in
            let (served, failed) = try await harness.withClient { grpc in
                let health = Grpc_Health_V1_Health.Client(wrapping: grpc)
                // The agent is connected before the stalled ones arrive.
                _ = try await health.check(Grpc_Health_V1_HealthCheckRequest())
                var stalled: [RawConnection] = []
                for index in 0..<60 {
                    // Half a preface, nothing at all, or the whole preface without the SETTINGS frame.
                    let bytes = [halfPreface, [], Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)][index % 3]
                    stalled.append(try await .open(port: harness.port, from: "127.0.0.5", sending: bytes))
                }
                let connections = stalled
                let allClosed = ClosedFlag()
                return try await withThrowingTaskGroup(of: (Int, Int).self) { group in
                    group.addTask {
                        try await RawConnection.waitClosed(connections)
                        allClosed.set()
                        return (0, 0)
                    }
                    group.addTask {
                        // Calls answered while the stalled connections were still open, and failures.
                        var (served, failed) = (0, 0)
                        while !allClosed.isSet {
                            do {
                                _ = try await health.check(Grpc_Health_V1_HealthCheckRequest())
                                if !allClosed.isSet { served += 1 }
                            } catch { failed += 1 }
                        }
                        return (served, failed)
                    }
                    var total = (0, 0)
                    for try await part in group { total = (total.0 + part.0, total.1 + part.1) }
                    return total
                }
            }
            #expect(served >= 1)
            #expect(failed == 0, "calls failed while stalled connections were open")
            #expect(
                metricValue(harness.registry, #"ringfence_agent_connections_closed_total{reason="handshake_timeout"}"#)
                    == 60)
            try await waitForMetric(harness.registry, "ringfence_agent_connections", 0)
        }
    }
}
