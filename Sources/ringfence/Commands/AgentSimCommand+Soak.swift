import ArgumentParser
import Foundation
import GRPCCore
import RingfenceProto

extension AgentSimCommand {
    /// `agent-sim soak`: a fleet living its life for a while — every simulated host
    /// heartbeats and streams a batch of events once per tick and fetches its policy every
    /// few ticks, hosts sharing a pool of connections — with latency per call, errors, and
    /// the server's resident memory sampled over time (must stay flat).
    struct Soak: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Run a simulated fleet for a bounded time; report throughput, latency, errors and the server's memory over time."
        )

        @OptionGroup var connection: Connection
        @Option(help: "Simulated hosts (each enrolled with its own token and key).")
        var hosts: Int = 10_000
        @Option(help: "HTTP/2 connections the hosts share.")
        var connections: Int = 50
        @Option(help: "How long to run after enrolment: 10m, 30s.")
        var duration: TimeSpan = TimeSpan(seconds: 600)
        @Option(help: "Each host heartbeats and sends events once per tick: 60s.")
        var tick: TimeSpan = TimeSpan(seconds: 60)
        @Option(name: .customLong("events-per-tick"), help: "Events each host sends per tick (one stream).")
        var eventsPerTick: Int = 20
        @Option(
            name: .customLong("fetch-every"),
            help: "Ticks between a host's policy fetches (with its etag: mostly 'not modified').")
        var fetchEvery: Int = 5
        @Option(
            name: .customLong("server-pid"),
            help: "Process id of the server, to sample its resident memory (Linux /proc).")
        var serverPID: Int32?
        @Option(name: .customLong("sample-every"), help: "Interval of the memory samples.")
        var sampleEvery: TimeSpan = TimeSpan(seconds: 30)
        @Option(help: "Comma-separated directory user names spread over the hosts.")
        var users: String = "alice,bob"
        @Flag(help: "Print one JSON object at the end instead of text.")
        var json = false

        func validate() throws {
            guard hosts >= 1, connections >= 1, connections <= hosts else {
                throw ValidationError("need 1 ≤ --connections ≤ --hosts")
            }
            guard eventsPerTick >= 1, fetchEvery >= 1 else {
                throw ValidationError("--events-per-tick and --fetch-every must be ≥ 1")
            }
        }

        /// What one connection's hosts did.
        struct Tally: Sendable {
            var latencies: [String: [Double]] = [:]
            var errors: [String: Int] = [:]
            var eventsSent = 0
            var eventsStored = 0
            var duplicates = 0
            var notModified = 0

            mutating func merge(_ other: Tally) {
                for (method, values) in other.latencies { latencies[method, default: []] += values }
                for (code, count) in other.errors { errors[code, default: 0] += count }
                eventsSent += other.eventsSent
                eventsStored += other.eventsStored
                duplicates += other.duplicates
                notModified += other.notModified
            }
        }

        func run() async throws {
            let tokens = try connection.readTokens(needed: hosts)
            let userList = ContextOptions.split([users])
            let nonce = String(UInt64(Date().timeIntervalSince1970 * 1_000), radix: 36)
            let (hosts, connections, eventsPerTick, fetchEvery) = (
                self.hosts, self.connections, self.eventsPerTick, self.fetchEvery
            )
            let tickSeconds = tick.seconds
            let connection = self.connection
            let enrolled = Locked(0)
            let startGate = Locked<ContinuousClock.Instant?>(nil)
            let tally = Locked(Tally())
            let samples = Locked<[(Double, Int)]>([])
            let clock = ContinuousClock()
            let enrolStart = clock.now
            let runSeconds = duration.seconds

            try await withThrowingTaskGroup(of: Void.self) { group in
                if let pid = serverPID {
                    let every = sampleEvery.seconds
                    group.addTask {
                        // Samples until the soak ends (the group is cancelled then).
                        let origin = clock.now
                        while !Task.isCancelled {
                            if let rss = Self.residentKiB(pid: pid) {
                                samples.withLock { $0.append(((clock.now - origin).seconds, rss)) }
                            }
                            try? await Task.sleep(for: .seconds(every))
                        }
                    }
                }
                let workers = (0..<connections).map { index in
                    Task {
                        try await connection.withClient { grpc in
                            let agent = SimulatedHost.Client(wrapping: grpc)
                            var mine = stride(from: index, to: hosts, by: connections).map { i in
                                SimulatedHost(index: i, users: [userList[i % userList.count]])
                            }
                            for position in mine.indices {
                                try await mine[position].enroll(agent, token: tokens[mine[position].index])
                                enrolled.withLock { $0 += 1 }
                            }
                            // Everyone starts together once all hosts are enrolled.
                            let begin = try await Self.waitForStart(
                                startGate, enrolled: enrolled, hosts: hosts, clock: clock)
                            let deadline = begin + .seconds(runSeconds)
                            var local = Tally()
                            var etags = [String](repeating: "", count: mine.count)
                            var tickNumber = 0
                            let slot = tickSeconds / Double(mine.count)
                            outer: while true {
                                for (position, host) in mine.enumerated() {
                                    let due =
                                        begin
                                        + .seconds(
                                            Double(tickNumber) * tickSeconds + Double(position) * slot
                                                + Double(index) * slot / Double(connections))
                                    if due >= deadline { break outer }
                                    if clock.now < due { try await Task.sleep(until: due, clock: clock) }
                                    await Self.timed("Heartbeat", into: &local, clock: clock) {
                                        try await host.heartbeat(agent)
                                    }
                                    if tickNumber % fetchEvery == position % fetchEvery {
                                        let held = etags[position]
                                        if let answer = await Self.timed(
                                            "FetchPolicy", into: &local, clock: clock,
                                            {
                                                try await host.fetchPolicy(
                                                    agent, user: host.users[0], ifNoneMatch: held)
                                            })
                                        {
                                            if answer.notModified {
                                                local.notModified += 1
                                            } else {
                                                etags[position] = answer.etag
                                            }
                                        }
                                    }
                                    let (first, etag) = (tickNumber * eventsPerTick, etags[position])
                                    if let report = await Self.timed(
                                        "ReportEvents", into: &local, clock: clock,
                                        {
                                            try await host.reportEvents(
                                                agent, count: eventsPerTick, batchSize: eventsPerTick,
                                                firstSequence: first,
                                                etag: etag, at: Date(), idPrefix: "soak-\(nonce)")
                                        })
                                    {
                                        local.eventsStored += Int(report.stored)
                                        local.duplicates += Int(report.duplicates)
                                    }
                                    local.eventsSent += eventsPerTick
                                }
                                tickNumber += 1
                            }
                            tally.withLock { [local] in $0.merge(local) }
                        }
                    }
                }
                for worker in workers { try await worker.value }
                group.cancelAll()
            }
            let enrolSeconds = ((startGate.withLock { $0 } ?? clock.now) - enrolStart).seconds
            report(
                tally: tally.withLock { $0 }, samples: samples.withLock { $0 }, enrolSeconds: enrolSeconds,
                runSeconds: runSeconds)
            if !tally.withLock({ $0.errors.isEmpty }) { throw ExitCode(1) }
        }

        /// Waits until every host is enrolled; the first worker to see it fixes the start.
        static func waitForStart(
            _ gate: Locked<ContinuousClock.Instant?>, enrolled: Locked<Int>, hosts: Int,
            clock: ContinuousClock
        ) async throws -> ContinuousClock.Instant {
            while enrolled.withLock({ $0 }) < hosts {
                try await Task.sleep(for: .milliseconds(50))
            }
            return gate.withLock { start in
                if start == nil { start = clock.now + .milliseconds(200) }
                return start!
            }
        }

        /// Runs one call, recording its latency or its error; nil when it failed.
        @discardableResult
        static func timed<Value>(
            _ method: String, into tally: inout Tally, clock: ContinuousClock,
            _ body: () async throws -> Value
        ) async -> Value? {
            let begin = clock.now
            do {
                let value = try await body()
                tally.latencies[method, default: []].append((clock.now - begin).seconds)
                return value
            } catch let error as RPCError {
                tally.errors["\(method) \(error.code)", default: 0] += 1
            } catch {
                tally.errors["\(method) \(type(of: error))", default: 0] += 1
            }
            return nil
        }

        /// VmRSS of a process in KiB, from /proc.
        static func residentKiB(pid: Int32) -> Int? {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
            else { return nil }
            return line.split(separator: " ").compactMap { Int($0) }.first
        }

        func report(tally: Tally, samples: [(Double, Int)], enrolSeconds: Double, runSeconds: Double) {
            let methods = ["Heartbeat", "FetchPolicy", "ReportEvents"]
            let summaries = Dictionary(
                uniqueKeysWithValues: methods.map { ($0, LatencySummary(tally.latencies[$0] ?? [])) })
            let calls = summaries.values.reduce(0) { $0 + $1.count }
            let errors = tally.errors.values.reduce(0, +)
            // Growth is measured from the first sample after a minute (caches and pools warm).
            let warm = samples.first { $0.0 >= 60 } ?? samples.first
            let last = samples.last
            if json {
                var fields: [String] = [
                    #""hosts":\#(hosts)"#, #""connections":\#(connections)"#,
                    String(format: #""seconds":%.0f"#, runSeconds),
                    String(format: #""enrol_seconds":%.1f"#, enrolSeconds), #""calls":\#(calls)"#,
                    #""errors":\#(errors)"#,
                    String(format: #""calls_per_second":%.1f"#, Double(calls) / runSeconds),
                    #""events_sent":\#(tally.eventsSent)"#, #""events_stored":\#(tally.eventsStored)"#,
                    #""duplicates":\#(tally.duplicates)"#,
                    #""not_modified":\#(tally.notModified)"#,
                ]
                for method in methods {
                    let s = summaries[method]!
                    fields.append(
                        String(
                            format: #""%@":{"count":%d,"p50_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f}"#, method, s.count,
                            s.p50 * 1e3, s.p99 * 1e3, s.max * 1e3))
                }
                let codes = tally.errors.sorted { $0.key < $1.key }.map { #""\#($0.key)":\#($0.value)"# }
                fields.append(#""error_codes":{\#(codes.joined(separator: ","))}"#)
                fields.append(
                    #""rss_kib":[\#(samples.map { String(format: "[%.0f,%d]", $0.0, $0.1) }.joined(separator: ","))]"#)
                print("{" + fields.joined(separator: ",") + "}")
                return
            }
            print(
                "fleet:       \(hosts) hosts over \(connections) connections, enrolled in \(String(format: "%.1f", enrolSeconds)) s"
            )
            print(
                "ran:         \(String(format: "%.0f", runSeconds)) s, tick \(String(format: "%.0f", tick.seconds)) s, \(eventsPerTick) events per tick, fetch every \(fetchEvery) ticks"
            )
            print(
                "calls:       \(calls) ok (\(String(format: "%.0f", Double(calls) / runSeconds))/s), \(errors) failed")
            for method in methods {
                print(
                    "  \(method.padding(toLength: 13, withPad: " ", startingAt: 0)) \(summaries[method]!.count) calls, \(summaries[method]!.description)"
                )
            }
            print(
                "events:      \(tally.eventsSent) sent, \(tally.eventsStored) stored, \(tally.duplicates) duplicates; \(tally.notModified) fetches not modified"
            )
            for (code, count) in tally.errors.sorted(by: { $0.key < $1.key }) { print("  error \(code): \(count)") }
            if let warm, let last {
                let peak = samples.map(\.1).max() ?? 0
                print(
                    "server RSS:  \(warm.1 / 1_024) MiB at \(Int(warm.0)) s → \(last.1 / 1_024) MiB at \(Int(last.0)) s (peak \(peak / 1_024) MiB, \(samples.count) samples)"
                )
                print("  samples:   " + samples.map { "\(Int($0.0))s \($0.1 / 1_024)" }.joined(separator: ", "))
            }
        }
    }
}
