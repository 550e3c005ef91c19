import ArgumentParser
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import RingfenceCore
import RingfenceFiles
import RingfenceProto
import RingfenceStore

extension AgentSimCommand {
    /// `agent-sim propagation`: how long a publish takes to reach a fleet. N simulated hosts
    /// hold a WatchPolicy stream each (over a few HTTP/2 connections, as many hosts share a
    /// proxy) and fetch again when a revision is announced; the command publishes policy
    /// changes itself and measures, per host, the time from the publish's commit to the
    /// host holding the new policy (the FetchPolicy answer with the new etag).
    struct Propagation: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure publish → new policy at N hosts (WatchPolicy + FetchPolicy), p50/p99.")

        @OptionGroup var connection: Connection
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Simulated hosts (one enrolment token each).")
        var hosts: Int = 1_000
        @Option(help: "HTTP/2 connections the hosts share.")
        var connections: Int = 20
        @Option(help: "Publishes to measure.")
        var rounds: Int = 5
        @Option(help: "Policy directory published, alternately as it is and with every risky_shell rule at observe.")
        var policy: String
        @Option(help: "Comma-separated directory user names spread over the hosts.")
        var users: String = "alice,bob"
        @Flag(help: "Print one JSON object instead of text.")
        var json = false

        func validate() throws {
            if hosts < 1 || connections < 1 || rounds < 1 { throw ValidationError("counts must be positive") }
        }

        /// The policy, and the same with a top-priority override that changes every etag.
        func bundles() throws -> [PolicyBundle] {
            let base = try PolicyFiles.load(directory: URL(fileURLWithPath: policy)).bundle
            var probe = base
            probe.assignments.append(
                Assignment(
                    id: "propagation-probe", priority: 1_000_000, overrides: [.riskyShell: .observe],
                    description: "agent-sim propagation: a change every host sees"))
            return [probe, base]
        }

        func run() async throws {
            let tokens = try connection.readTokens(needed: hosts)
            let names = ContextOptions.split([users])
            let bundles = try bundles()
            let (connection, hosts, connections, rounds) = (self.connection, self.hosts, self.connections, self.rounds)
            /// Per revision, when each host held it.
            let arrivals = Locked([Int64: [ContinuousClock.Instant]]())
            let watching = Locked(0)
            let database = try self.database.configuration()
            let samples = Locked([Double]())
            try await withThrowingTaskGroup(of: Void.self) { group in
                for slot in 0..<connections {
                    let mine = Array(stride(from: slot, to: hosts, by: connections))
                    group.addTask {
                        try await connection.withClient { grpc in
                            let agent = SimulatedHost.Client(wrapping: grpc)
                            try await withThrowingTaskGroup(of: Void.self) { hostsGroup in
                                for index in mine {
                                    hostsGroup.addTask {
                                        try await Self.follow(
                                            agent, index: index, token: tokens[index], user: names[index % names.count],
                                            arrivals: arrivals, watching: watching)
                                    }
                                }
                                try await hostsGroup.waitForAll()
                            }
                        }
                    }
                }
                group.addTask {
                    let delays = try await Self.publish(
                        bundles, rounds: rounds, hosts: hosts, database: database, arrivals: arrivals,
                        watching: watching)
                    samples.withLock { $0 = delays }
                }
                // The publisher finishes first; the hosts' streams are then cancelled.
                try await group.next()
                group.cancelAll()
            }
            let summary = LatencySummary(samples.withLock { $0 })
            if json {
                print(
                    String(
                        format:
                            #"{"hosts":%d,"connections":%d,"rounds":%d,"samples":%d,"p50_ms":%.1f,"p90_ms":%.1f,"p99_ms":%.1f,"max_ms":%.1f}"#,
                        hosts, connections, rounds, summary.count, summary.p50 * 1_000, summary.p90 * 1_000,
                        summary.p99 * 1_000, summary.max * 1_000))
            } else {
                print("publish → new policy at \(hosts) hosts over \(connections) connections, \(rounds) publishes:")
                print("  \(summary.description)")
            }
        }

        /// One host: enrol, fetch, then fetch again on every newer revision announced.
        static func follow(
            _ agent: SimulatedHost.Client, index: Int, token: String, user: String,
            arrivals: Locked<[Int64: [ContinuousClock.Instant]]>, watching: Locked<Int>
        ) async throws {
            var host = SimulatedHost(index: index, users: [user])
            try await host.enroll(agent, token: token)
            let initial = try await host.fetchPolicy(agent, user: user)
            var request = Ringfence_V1_WatchPolicyRequest()
            request.hostID = host.hostID
            let fixed = host
            try await agent.watchPolicy(request, metadata: fixed.metadata) { response in
                var held = initial
                var first = true
                for try await announcement in response.messages {
                    if first {
                        first = false
                        watching.withLock { $0 += 1 }
                    }
                    guard announcement.revision > held.revision else { continue }
                    held = try await fixed.fetchPolicy(agent, user: user, ifNoneMatch: held.etag)
                    let now = ContinuousClock.now
                    let revision = held.revision
                    arrivals.withLock { $0[revision, default: []].append(now) }
                }
            }
        }

        /// Waits for every host to watch, then publishes `rounds` times, each time waiting
        /// for every host to hold the new revision. Returns the delays in seconds.
        static func publish(
            _ bundles: [PolicyBundle], rounds: Int, hosts: Int, database: DatabaseConfiguration,
            arrivals: Locked<[Int64: [ContinuousClock.Instant]]>, watching: Locked<Int>
        ) async throws -> [Double] {
            while watching.withLock({ $0 }) < hosts { try await Task.sleep(for: .milliseconds(50)) }
            return try await withPostgres(database) { client in
                let store = PolicyStore(client: client)
                var delays: [Double] = []
                for round in 0..<rounds {
                    let current = try await store.currentRevision()?.number
                    let begin = ContinuousClock.now
                    let revision = try await store.publish(
                        bundles[round % bundles.count], actor: "agent-sim", comment: "propagation round \(round + 1)",
                        expectedCurrent: current)
                    let committed = ContinuousClock.now
                    while arrivals.withLock({ $0[revision]?.count ?? 0 }) < hosts {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    let times = arrivals.withLock { $0[revision] ?? [] }
                    // From the commit's return (the publish itself is not part of it).
                    delays += times.map { Double(($0 - committed) / .seconds(1)) }
                    FileHandle.standardError.write(
                        Data(
                            "round \(round + 1): revision \(revision), publish \(String(format: "%.0f", Double((committed - begin) / .milliseconds(1)))) ms, last host after \(String(format: "%.0f", (delays.max() ?? 0) * 1_000)) ms\n"
                                .utf8))
                }
                return delays
            }
        }
    }
}
