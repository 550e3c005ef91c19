import ArgumentParser
import Foundation
import GRPCCore
import RingfenceProto
import Synchronization

extension AgentSimCommand {
    /// `agent-sim load`: many connections calling one method as fast as the server answers,
    /// for a fixed time; prints throughput and latency percentiles (and JSON with --json).
    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Load a running server: one call in a loop over many connections, then report throughput and latency.")

        enum Call: String, ExpressibleByArgument, CaseIterable {
            case fetch, events, health, heartbeat
        }

        @OptionGroup var connection: Connection
        @Option(
            help:
                "What to call: fetch (FetchPolicy), events (ReportEvents streams), heartbeat (Heartbeat with the host's inventory), health (Health/Check, the trivial baseline)."
        )
        var call: Call = .fetch
        @Option(help: "Concurrent HTTP/2 connections, one simulated host each.")
        var connections: Int = 200
        @Option(help: "How long to load: 10s, 1m.")
        var duration: TimeSpan = TimeSpan(seconds: 10)
        @Option(help: "Events per stream (events call).")
        var eventsPerStream: Int = 5_000
        @Option(help: "Events per stream message (events call).")
        var batch: Int = 500
        @Option(
            name: .customLong("first-host"),
            help:
                "Number of the first simulated host (machine ids sim-N…), so that loads run side by side do not re-enrol each other's hosts."
        )
        var firstHost: Int = 0
        @Flag(help: "Print one JSON object instead of text.")
        var json = false
        @Option(
            name: .customLong("ready-file"),
            help:
                "Create this file once every connection is enrolled and has fetched policy for each of its users (scripts wait for it instead of sleeping)."
        )
        var readyFile: String?

        func run() async throws {
            let call = self.call
            let connection = self.connection
            let (eventsPerStream, batch) = (self.eventsPerStream, self.batch)
            let tokens = call == .health ? [] : try connection.readTokens(needed: connections)
            let nonce = String(UInt64(Date().timeIntervalSince1970 * 1_000), radix: 36)
            let results = Locked(Results())
            let deadline = ContinuousClock.now + .seconds(duration.seconds)
            let started = Locked<ContinuousClock.Instant?>(nil)
            let connections = self.connections
            let firstHost = self.firstHost
            let readyFile = self.readyFile
            let ready = Locked(0)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<connections {
                    group.addTask {
                        try await connection.withClient { grpc in
                            let agent = SimulatedHost.Client(wrapping: grpc)
                            let health = Grpc_Health_V1_Health.Client(wrapping: grpc)
                            var host = SimulatedHost(index: firstHost + index, users: ["alice", "bob"])
                            var etag = ""
                            // A connection that cannot start (the server went away meanwhile)
                            // is one error; the others' results are still reported.
                            do {
                                if call != .health {
                                    try await host.enroll(agent, token: tokens[index])
                                    _ = try await host.heartbeat(agent)
                                    _ = try await host.fetchPolicy(agent, user: "bob")
                                    etag = try await host.fetchPolicy(agent, user: "alice").etag
                                } else {
                                    _ = try await health.check(Grpc_Health_V1_HealthCheckRequest())
                                }
                            } catch {
                                FileHandle.standardError.write(
                                    Data("agent-sim: connection \(index) could not start: \(error)\n".utf8))
                                results.withLock { $0.errors += 1 }
                                return
                            }
                            started.withLock { $0 = $0 ?? ContinuousClock.now }
                            let all = ready.withLock { count -> Bool in
                                count += 1
                                return count == connections
                            }
                            if all, let readyFile, !FileManager.default.createFile(atPath: readyFile, contents: Data())
                            {
                                FileHandle.standardError.write(Data("agent-sim: cannot create \(readyFile)\n".utf8))
                            }
                            var latencies: [Double] = []
                            var errors = 0
                            var events = 0
                            var sequence = 0
                            while ContinuousClock.now < deadline {
                                let begin = ContinuousClock.now
                                do {
                                    switch call {
                                    case .fetch:
                                        _ = try await host.fetchPolicy(agent, user: sequence % 2 == 0 ? "alice" : "bob")
                                    case .health:
                                        _ = try await health.check(Grpc_Health_V1_HealthCheckRequest())
                                    case .heartbeat:
                                        _ = try await host.heartbeat(agent)
                                    case .events:
                                        let report = try await host.reportEvents(
                                            agent, count: eventsPerStream, batchSize: batch,
                                            firstSequence: sequence * eventsPerStream, etag: etag,
                                            at: Date(), idPrefix: "load-\(nonce)")
                                        events += Int(report.stored)
                                    }
                                    let elapsed = ContinuousClock.now - begin
                                    latencies.append(elapsed.seconds)
                                } catch {
                                    errors += 1
                                    if errors == 1 {
                                        FileHandle.standardError.write(
                                            Data("agent-sim: connection \(index): \(error)\n".utf8))
                                    }
                                }
                                sequence += 1
                            }
                            results.withLock { [latencies] in
                                $0.latencies += latencies
                                $0.errors += errors
                                $0.events += events
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let begin = started.withLock { $0 } ?? deadline
            let elapsed = ContinuousClock.now - begin
            let seconds = elapsed.seconds
            let r = results.withLock { $0 }
            let summary = LatencySummary(r.latencies)
            let rate = Double(summary.count) / seconds
            let eventRate = Double(r.events) / seconds
            if json {
                print(
                    String(
                        format:
                            #"{"call":"%@","connections":%d,"seconds":%.2f,"requests":%d,"errors":%d,"requests_per_second":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,"events_stored":%d,"events_per_second":%.1f}"#,
                        call.rawValue, connections, seconds, summary.count, r.errors, rate, summary.p50 * 1e3,
                        summary.p90 * 1e3,
                        summary.p99 * 1e3, summary.max * 1e3, r.events, eventRate))
            } else {
                print(
                    "call:        \(call.rawValue) over \(connections) connections for \(String(format: "%.1f", seconds)) s"
                )
                print("requests:    \(summary.count) ok, \(r.errors) failed — \(String(format: "%.0f", rate))/s")
                print("latency:     \(summary.description)")
                if call == .events { print("events:      \(r.events) stored — \(String(format: "%.0f", eventRate))/s") }
            }
            if r.errors > 0 { throw ExitCode(1) }
        }

        struct Results {
            var latencies: [Double] = []
            var errors = 0
            var events = 0
        }
    }
}
