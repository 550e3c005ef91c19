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
        Self.printCounts(
            hosts: summary.hosts.count, connected: summary.connected, stale: summary.stale,
            silent: summary.neverSeen, drifted: summary.drifted, missing: summary.missingUsers.count,
            staleAfter: staleAfter)
        let unrecognizedEvents = summary.unrecognized.reduce(0) { $0 + $1.events }
        print("not understood: \(unrecognizedEvents) events in 7 days   (hook input of a changed agent surface)")
        for input in summary.unrecognized.prefix(hosts ? .max : 10) {
            let agent = input.agentVersion.isEmpty ? input.agent : "\(input.agent) \(input.agentVersion)"
            print("  \(agent)  \(input.name)  \(input.events) events on \(input.sources) hosts")
        }
        if hosts {
            for host in summary.hosts {
                print(
                    Self.hostLine(
                        status: host.status.rawValue, hostname: host.hostname, ring: host.ring?.number,
                        installer: host.installerVersion, lastHeartbeat: host.lastHeartbeat, users: host.users,
                        drifted: host.driftedFiles))
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
        Self.printCounts(
            hosts: summary.hosts, connected: summary.connected, stale: summary.stale, silent: summary.silent,
            drifted: summary.drifted, missing: summary.missingUsers, staleAfter: staleAfter.seconds)
        guard hosts else { return }
        let listed = try await RemoteAdmin.all { cursor in
            let page = try await remote.client.listHosts(
                query: .init(staleAfterSeconds: seconds, limit: 500, cursor: cursor)
            ).ok.body.json
            return (page.items, page.nextCursor)
        }
        for host in listed {
            print(
                Self.hostLine(
                    status: host.status == .silent ? "never" : host.status.rawValue, hostname: host.hostname,
                    ring: host.ring, installer: host.installerVersion, lastHeartbeat: host.lastHeartbeat,
                    users: host.users, drifted: host.driftedFiles))
        }
    }

    /// The counts, as both the database and the API give them.
    static func printCounts(
        hosts: Int, connected: Int, stale: Int, silent: Int, drifted: Int, missing: Int, staleAfter: TimeInterval
    ) {
        print("hosts:     \(hosts)")
        print("connected: \(connected)   (heartbeat within \(window(staleAfter)))")
        print("stale:     \(stale)")
        print("silent:    \(silent)   (enrolled, no heartbeat yet)")
        print("drifted:   \(drifted)   (managed agent files differ from what was served)")
        print("missing:   \(missing)   (directory users no host reported)")
    }

    /// One host's line of `fleet --hosts`.
    static func hostLine(
        status: String, hostname: String, ring: Int?, installer: String, lastHeartbeat: Date?, users: [String],
        drifted: [String]
    ) -> String {
        let seen = lastHeartbeat.map { $0.formatted(.iso8601) } ?? "never"
        return
            "  \(status.padding(toLength: 9, withPad: " ", startingAt: 0)) \(hostname)  ring \(ring.map(String.init) ?? "-")  installer \(installer.isEmpty ? "-" : installer)  last heartbeat \(seen)  users \(users.joined(separator: ","))"
            + (drifted.isEmpty ? "" : "  drifted \(drifted.joined(separator: ","))")
    }

    /// A stale threshold in words: whole hours, else minutes.
    static func window(_ seconds: TimeInterval) -> String {
        Int(seconds) % 3_600 == 0 ? "\(Int(seconds) / 3_600) h" : "\(Int(seconds / 60)) min"
    }
}
