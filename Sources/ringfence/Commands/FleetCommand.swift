import ArgumentParser
import Foundation
import RingfenceAdminAPI
import RingfenceCore
import RingfenceStore

/// `ringfence fleet`: hosts connected, stale and never heard from, hosts whose managed
/// agent files drifted, directory users with no host, and hook input the agents' adapters
/// did not understand in the last 7 days.
struct FleetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract:
            "Show the fleet: connected, stale and silent hosts, drifted agent files, and users with no host (missing)."
    )

    @Option(name: .customLong("stale-after"), help: "A host without a heartbeat for this long is stale: 30m, 24h, 7d.")
    var staleAfter: TimeSpan = TimeSpan(seconds: 86_400)
    @Flag(help: "List every host, not only the counts.")
    var hosts = false
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var remote: AdminServerOptions

    func run() async throws {
        if let remote = try remote.client() {
            try await runRemote(remote)
            return
        }
        let staleAfter = self.staleAfter.seconds
        let summary = try await withPostgres(try database.configuration()) { client in
            try await FleetStore(client: client).summary(staleAfter: staleAfter)
        }
        print("hosts:     \(summary.hosts.count)")
        print("connected: \(summary.connected)   (heartbeat within \(Self.window(staleAfter)))")
        print("stale:     \(summary.stale)")
        print("silent:    \(summary.neverSeen)   (enrolled, no heartbeat yet)")
        print("drifted:   \(summary.drifted)   (managed agent files differ from what was served)")
        print("missing:   \(summary.missingUsers.count)   (directory users no host reported)")
        let unrecognizedEvents = summary.unrecognized.reduce(0) { $0 + $1.events }
        print("not understood: \(unrecognizedEvents) events in 7 days   (hook input of a changed agent surface)")
        for input in summary.unrecognized.prefix(hosts ? .max : 10) {
            let agent = input.agentVersion.isEmpty ? input.agent : "\(input.agent) \(input.agentVersion)"
            print("  \(agent)  \(input.name)  \(input.events) events on \(input.sources) hosts")
        }
        if hosts {
            for host in summary.hosts {
                let seen = host.lastHeartbeat.map { $0.formatted(.iso8601) } ?? "never"
                print(
                    "  \(host.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(host.hostname)  ring \(host.ring.map { String($0.number) } ?? "-")  installer \(host.installerVersion.isEmpty ? "-" : host.installerVersion)  last heartbeat \(seen)  users \(host.users.joined(separator: ","))"
                        + (host.driftedFiles.isEmpty ? "" : "  drifted \(host.driftedFiles.joined(separator: ","))"))
            }
            if !summary.missingUsers.isEmpty {
                print("  missing users: \(summary.missingUsers.joined(separator: ", "))")
            }
        }
    }
}

extension FleetCommand {
    /// The counts and hosts from a server's admin API (hook input not understood and the
    /// names of missing users are read from the database only).
    func runRemote(_ remote: RemoteAdmin) async throws {
        let seconds = Int(staleAfter.seconds)
        let summary = try await remote.client.getFleetSummary(query: .init(staleAfterSeconds: seconds)).ok.body.json
        print("hosts:     \(summary.hosts)")
        print("connected: \(summary.connected)   (heartbeat within \(Self.window(staleAfter.seconds)))")
        print("stale:     \(summary.stale)")
        print("silent:    \(summary.silent)   (enrolled, no heartbeat yet)")
        print("drifted:   \(summary.drifted)   (managed agent files differ from what was served)")
        print("missing:   \(summary.missingUsers)   (directory users no host reported)")
        guard hosts else { return }
        let listed = try await RemoteAdmin.all { cursor in
            let page = try await remote.client.listHosts(
                query: .init(staleAfterSeconds: seconds, limit: 500, cursor: cursor)
            ).ok.body.json
            return (page.items, page.nextCursor)
        }
        for host in listed {
            let seen = host.lastHeartbeat.map { $0.formatted(.iso8601) } ?? "never"
            let status = host.status == .silent ? "never" : host.status.rawValue
            print(
                "  \(status.padding(toLength: 9, withPad: " ", startingAt: 0)) \(host.hostname)  ring \(host.ring.map(String.init) ?? "-")  installer \(host.installerVersion.isEmpty ? "-" : host.installerVersion)  last heartbeat \(seen)  users \(host.users.joined(separator: ","))"
                    + (host.driftedFiles.isEmpty ? "" : "  drifted \(host.driftedFiles.joined(separator: ","))"))
        }
    }

    /// A stale threshold in words: whole hours, else minutes.
    static func window(_ seconds: TimeInterval) -> String {
        Int(seconds) % 3_600 == 0 ? "\(Int(seconds) / 3_600) h" : "\(Int(seconds / 60)) min"
    }
}
