import ArgumentParser
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import PostgresNIO
import RingfenceProto
import RingfenceStore
import RingfenceTestSupport
import Synchronization
import Testing

@testable import ringfence

@Suite(
    "ringfence serve as a process",
    .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct ServeCommandTests {
    static let hosts = 6
    static let eventsPerStream = 200
    static let batch = 25

    /// A stream of events one simulated host sent: which sequence numbers, and whether
    /// the server acknowledged it.
    struct SentStream: Sendable {
        var host: Int
        var first: Int
        var acknowledged: Bool
    }

    @Test("SIGKILL during ingestion loses no acknowledged event; resending the rest stores each event once")
    func killDuringIngestion() async throws {
        try await TestServers.withMigratedDatabase { client, database in
            let port = try freeLoopbackPort()
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rf-serve-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let url = RingfenceExecutable.databaseURL(database)
            let ringfence = try RingfenceExecutable(environment: [
                "RINGFENCE_DATABASE_URL": url, "RINGFENCE_LISTEN": "127.0.0.1:\(port)",
                "RINGFENCE_METRICS_LISTEN": "off",
            ])
            let log = folder.appendingPathComponent("serve.log")
            let tokens = try ringfence.run([
                "keys", "enrol-token", "--count", "\(Self.hosts)", "--expires", "1h", "--any-user",
            ])
            .split(separator: "\n").map(String.init)
            #expect(tokens.count == Self.hosts)

            var server = try ringfence.startServe(log: log)
            defer {
                if server.isRunning {
                    kill(server.processIdentifier, SIGKILL)
                    server.waitUntilExit()
                }
            }
            try ringfence.waitUntilServing(server, port: port, log: log)

            let connection = try AgentSimCommand.Connection.parse(["--server", "127.0.0.1:\(port)"])
            let hosts = try await connection.withClient { grpc in
                let agents = Ringfence_V1_AgentService.Client(wrapping: grpc)
                var hosts: [SimulatedHost] = []
                for (index, token) in tokens.enumerated() {
                    var host = SimulatedHost(index: index, users: ["alice", "bob"])
                    // Deadlines guard against hangs only: two busy cores may be slow.
                    host.callTimeout = HangGuard.timeout
                    try await host.enroll(agents, token: token)
                    hosts.append(host)
                }
                return hosts
            }
            let at = Date()

            // Every host streams back to back until the server dies; the kill comes once
            // ten streams are acknowledged, while the others are in flight.
            let (acknowledged, acknowledgements) = AsyncStream<Void>.makeStream()
            let sent = Locked<[SentStream]>([])
            let pid = server.processIdentifier
            async let ingestion: Void = connection.withClient { grpc in
                let agents = Ringfence_V1_AgentService.Client(wrapping: grpc)
                await withTaskGroup(of: Void.self) { group in
                    for host in hosts {
                        group.addTask {
                            var first = 0
                            while true {
                                do {
                                    let response = try await host.reportEvents(
                                        agents, count: Self.eventsPerStream, batchSize: Self.batch,
                                        firstSequence: first, at: at, idPrefix: "kill")
                                    #expect(response.received == Int64(Self.eventsPerStream))
                                    sent.withLock {
                                        $0.append(SentStream(host: host.index, first: first, acknowledged: true))
                                    }
                                    acknowledgements.yield()
                                } catch {
                                    sent.withLock {
                                        $0.append(SentStream(host: host.index, first: first, acknowledged: false))
                                    }
                                    return
                                }
                                first += Self.eventsPerStream
                            }
                        }
                    }
                }
            }
            var seen = 0
            for await _ in acknowledged {
                seen += 1
                if seen == 10 { break }
            }
            kill(pid, SIGKILL)
            server.waitUntilExit()
            acknowledgements.finish()
            try await ingestion
            #expect(server.terminationReason == .uncaughtSignal)

            let streams = sent.withLock { $0 }
            let acked = streams.filter(\.acknowledged)
            let cut = streams.filter { !$0.acknowledged }
            #expect(acked.count >= 10)
            #expect(cut.count == Self.hosts, "every host's stream in flight was cut by the kill")

            // Every acknowledged event is in PostgreSQL.
            func ids(_ streams: [SentStream]) -> [String] {
                streams.flatMap { stream in
                    (stream.first..<stream.first + Self.eventsPerStream).map { "kill-\(stream.host)-\($0)" }
                }
            }
            let ackedIDs = ids(acked)
            let rows = try await client.query(
                "SELECT count(*)::bigint FROM audit_events WHERE event_id = ANY(\(ackedIDs))")
            var present = 0
            for try await count in rows.decode(Int64.self) { present = Int(count) }
            #expect(present == ackedIDs.count)

            // Restart; resending the cut streams stores what was missing, and nothing twice.
            server = try ringfence.startServe(log: log)
            try ringfence.waitUntilServing(server, port: port, log: log)
            let resent = try await connection.withClient { grpc in
                let agents = Ringfence_V1_AgentService.Client(wrapping: grpc)
                var stored: Int64 = 0
                for stream in cut {
                    let host = hosts[stream.host]
                    let response = try await host.reportEvents(
                        agents, count: Self.eventsPerStream, batchSize: Self.batch, firstSequence: stream.first, at: at,
                        idPrefix: "kill")
                    #expect(response.stored + response.duplicates == Int64(Self.eventsPerStream))
                    stored += response.stored
                }
                return stored
            }
            #expect(resent > 0)
            let total = try await client.query(
                "SELECT count(*)::bigint, count(DISTINCT (host_id, event_id))::bigint FROM audit_events")
            for try await (all, distinct) in total.decode((Int64, Int64).self) {
                #expect(all == Int64(streams.count * Self.eventsPerStream))
                #expect(distinct == all)
            }

            // A graceful stop exits cleanly.
            kill(server.processIdentifier, SIGTERM)
            server.waitUntilExit()
            #expect(
                server.terminationReason == .exit && server.terminationStatus == 0,
                "serve log:\n\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
        }
    }

    @Test("a client that opens HTTP/2 and then never answers does not hold a graceful stop for ever")
    func silentClientDoesNotHoldShutdown() async throws {
        try await TestServers.withMigratedDatabase { _, database in
            let port = try freeLoopbackPort()
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rf-serve-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let ringfence = try RingfenceExecutable(environment: [
                "RINGFENCE_DATABASE_URL": RingfenceExecutable.databaseURL(database),
                "RINGFENCE_LISTEN": "127.0.0.1:\(port)", "RINGFENCE_METRICS_LISTEN": "off",
            ])
            let log = folder.appendingPathComponent("serve.log")
            let configuration = folder.appendingPathComponent("ringfence.yaml")
            try "server:\n  shutdownGraceSeconds: 2\n".write(to: configuration, atomically: true, encoding: .utf8)
            try await ringfence.withServe(["--config", configuration.path], port: port, log: log) { server in
                // The client preface and an empty SETTINGS frame (RFC 9113 §3.4), then silence:
                // the server's GOAWAY and PING are never answered.
                let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
                defer { close(socket) }
                var address = sockaddr_in()
                address.sin_family = sa_family_t(AF_INET)
                address.sin_port = in_port_t(UInt16(port).bigEndian)
                address.sin_addr.s_addr = inet_addr("127.0.0.1")
                let connected = withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
                #expect(connected == 0)
                let hello = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + [0, 0, 0, 4, 0, 0, 0, 0, 0]
                #expect(send(socket, hello, hello.count, 0) == hello.count)

                kill(server.processIdentifier, SIGTERM)
                // The shutdown grace is 2 s (server.shutdownGraceSeconds); 120 s only guards against a hang.
                for _ in 0..<1_200 where server.isRunning { try await Task.sleep(for: .milliseconds(100)) }
                #expect(!server.isRunning, "serve still runs 120 s after SIGTERM with a silent client connected")
                if !server.isRunning {
                    #expect(server.terminationReason == .exit && server.terminationStatus == 0)
                }
                let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                #expect(text.contains("connections still open after the shutdown grace period"), "\(text)")
                #expect(text.contains("seconds=2.0"), "\(text)")
            }
        }
    }
}
