import ArgumentParser
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import RingfenceProto
import Synchronization

/// `ringfence agent-sim`: simulated agents over real gRPC, for the demo, tests and load.
struct AgentSimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent-sim",
        abstract: "Simulate agents against a running server: enrol, heartbeat, fetch policy, stream events.",
        subcommands: [Run.self, Load.self, Soak.self, Propagation.self],
        defaultSubcommand: Run.self
    )

    /// Where the server is, and the enrolment tokens to use.
    struct Connection: ParsableArguments {
        @OptionGroup var endpoint: ServerEndpoint
        @Option(help: "File of enrolment tokens, one per line (ringfence keys enrol-token --count N).")
        var tokens: String?

        func readTokens(needed: Int) throws -> [String] {
            guard let tokens else {
                throw ValidationError("--tokens FILE is needed to enrol \(needed) simulated host(s)")
            }
            guard let text = try? String(contentsOfFile: tokens, encoding: .utf8) else {
                throw ValidationError("cannot read \(tokens)")
            }
            let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
            guard lines.count >= needed else {
                throw ValidationError(
                    "\(tokens) has \(lines.count) token(s); \(needed) needed (one per simulated host)")
            }
            return Array(lines.prefix(needed))
        }

        /// Runs `body` with a client on its own HTTP/2 connection.
        func withClient<Result: Sendable>(
            _ body: @Sendable (GRPCClient<HTTP2ClientTransport.Posix>) async throws -> Result
        ) async throws -> Result {
            try await endpoint.withClient(body)
        }
    }

    /// `agent-sim run`: N hosts, each enrolling, reporting inventory, fetching its users'
    /// policy (then again with the etag: "not modified") and streaming M events.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Simulate a fleet once: enrol, heartbeat, fetch, events.")

        @OptionGroup var connection: Connection
        @Option(help: "Number of simulated hosts.")
        var hosts: Int = 10
        @Option(name: .customLong("events-per-host"), help: "Audit events each host sends.")
        var eventsPerHost: Int = 100
        @Option(help: "Comma-separated directory user names spread over the hosts.")
        var users: String = "alice,bob,carol,dave,erin,frank,grace,heidi"
        @Option(help: "Events per stream message.")
        var batch: Int = 200
        @Option(help: "Hosts simulated at the same time.")
        var concurrency: Int = 16
        @Option(help: "Machine ids and event ids start with it, so several runs can share a server.")
        var prefix = "sim"
        @Option(
            name: .customLong("hook-missing-every"),
            help: "Claude Code's hook is reported missing on every n-th host (0: never).")
        var hookMissingEvery = 7
        @Option(
            help: ArgumentHelp(
                "Chosen verdicts and their weights, e.g. pass=80,block-candidate=20 (with --rule).",
                discussion: "Verdicts: pass, warn, block, warn-candidate, block-candidate. Without it, a built-in mix.")
        )
        var verdicts: String?
        @Option(help: "The rule of the chosen verdicts: PACK/RULE-ID.")
        var rule = "shell-baseline/RS-1"
        @Option(help: "The surface of the chosen verdicts.")
        var surface = "risky_shell"
        @Option(help: "Events occur up to this many seconds before now (or --at).")
        var spread = 3_600
        @Option(help: "Send the events as of this moment (RFC 3339) instead of now.")
        var at: String?

        func validate() throws {
            if hosts < 1 || eventsPerHost < 0 || batch < 1 || concurrency < 1 || spread < 1 || hookMissingEvery < 0 {
                throw ValidationError("counts must be positive")
            }
            _ = try mix()
            _ = try moment()
        }

        func mix() throws -> EventMix? {
            guard let verdicts else { return nil }
            switch EventMix.parse(verdicts: verdicts, rule: rule, surface: surface) {
            case .success(let mix): return mix
            case .failure(let error): throw ValidationError(error.description)
            }
        }

        func moment() throws -> Date {
            guard let at else { return Date() }
            guard let date = ISO8601DateFormatter().date(from: at) else {
                throw ValidationError("--at: expected a moment like 2026-12-02T09:00:00Z, got '\(at)'")
            }
            return date
        }

        func run() async throws {
            let tokens = try connection.readTokens(needed: hosts)
            let names = users.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
            let start = ContinuousClock.now
            let totals = Locked(Totals())
            let connection = self.connection
            let (eventsPerHost, batch) = (self.eventsPerHost, self.batch)
            let (prefix, hookMissingEvery, spread, mix, moment) = (
                self.prefix, self.hookMissingEvery, self.spread, try self.mix(), try self.moment()
            )
            try await withThrowingTaskGroup(of: Void.self) { group in
                var next = 0
                func launch(_ index: Int) {
                    let hostUsers = [names[index % names.count], names[(index * 7 + 3) % names.count]]
                    let token = tokens[index]
                    group.addTask {
                        try await connection.withClient { grpc in
                            let client = SimulatedHost.Client(wrapping: grpc)
                            var host = SimulatedHost(index: index, users: Array(Set(hostUsers)).sorted())
                            host.prefix = prefix
                            host.hookMissingEvery = hookMissingEvery
                            host.mix = mix
                            host.spread = spread
                            try await host.enroll(client, token: token)
                            _ = try await host.heartbeat(client)
                            var fetches = 0
                            var notModified = 0
                            var etag = ""
                            for user in host.users {
                                let first = try await host.fetchPolicy(client, user: user)
                                let again = try await host.fetchPolicy(client, user: user, ifNoneMatch: first.etag)
                                fetches += 2
                                if again.notModified { notModified += 1 }
                                etag = first.etag
                            }
                            let report = try await host.reportEvents(
                                client, count: eventsPerHost, batchSize: batch, etag: etag, at: moment)
                            totals.withLock {
                                $0.hosts += 1
                                $0.fetches += fetches
                                $0.notModified += notModified
                                $0.received += Int(report.received)
                                $0.stored += Int(report.stored)
                                $0.duplicates += Int(report.duplicates)
                                $0.rejected += report.rejected.count
                            }
                        }
                    }
                }
                while next < min(concurrency, hosts) {
                    launch(next)
                    next += 1
                }
                while try await group.next() != nil {
                    if next < hosts {
                        launch(next)
                        next += 1
                    }
                }
            }
            let elapsed = ContinuousClock.now - start
            let seconds = elapsed.seconds
            let t = totals.withLock { $0 }
            print("simulated hosts: \(t.hosts) (enrolled, heartbeat sent)")
            print("policy fetches:  \(t.fetches) (\(t.notModified) answered 'not modified')")
            print(
                "events:          \(t.received) sent, \(t.stored) stored, \(t.duplicates) duplicates, \(t.rejected) rejected"
            )
            print(String(format: "elapsed:         %.2f s", seconds))
        }

        struct Totals {
            var hosts = 0, fetches = 0, notModified = 0, received = 0, stored = 0, duplicates = 0, rejected = 0
        }
    }
}
