import Foundation
import RingfenceAdminAPI
import RingfenceCore
import RingfenceServer
import RingfenceStore

/// The fleet: counts, hosts a page at a time, one host in full.
extension AdminHandler {
    public func getFleetSummary(_ input: Operations.GetFleetSummary.Input) async throws
        -> Operations.GetFleetSummary.Output
    {
        let staleAfter = try AdminInput.staleAfter(input.query.staleAfterSeconds)
        let moment = now()
        let fleet = fleet
        let (counts, asOf) = try await self.counts.value(for: Int(staleAfter), now: moment) {
            (try await fleet.counts(now: moment, staleAfter: staleAfter), moment)
        }
        return .ok(
            .init(
                body: .json(
                    .init(
                        hosts: counts.hosts, connected: counts.connected, stale: counts.stale, silent: counts.silent,
                        drifted: counts.drifted, missingUsers: counts.missingUsers,
                        staleAfterSeconds: Int(staleAfter), asOf: asOf))))
    }

    public func listHosts(_ input: Operations.ListHosts.Input) async throws -> Operations.ListHosts.Output {
        let query = input.query
        let filter = FleetStore.HostFilter(
            state: query.status.flatMap { FleetStore.HostFilter.State(rawValue: $0.rawValue) },
            agent: try AdminInput.text(query.agent, "agent", max: 64),
            hostnamePrefix: try AdminInput.text(query.hostname, "hostname", max: 255),
            user: try AdminInput.text(query.user, "user", max: 255))
        let (hosts, more) = try await fleet.hosts(
            filter: filter, after: try PageCursor.decode(query.cursor, as: FleetStore.HostKey.self),
            limit: try AdminInput.limit(query.limit), now: now(),
            staleAfter: try AdminInput.staleAfter(query.staleAfterSeconds))
        let next =
            more
            ? hosts.last.map { PageCursor.encode(FleetStore.HostKey(hostname: $0.host.hostname, id: $0.host.id)) } : nil
        return .ok(.init(body: .json(.init(items: hosts.map { .init($0) }, nextCursor: next))))
    }

    public func getHost(_ input: Operations.GetHost.Input) async throws -> Operations.GetHost.Output {
        guard let id = UUID(uuidString: input.path.hostId) else {
            throw AdminFailure.badRequest("hostId must be a UUID, got '\(input.path.hostId.prefix(64))'")
        }
        let staleAfter = try AdminInput.staleAfter(input.query.staleAfterSeconds)
        guard let listed = try await fleet.listedHost(id: id, now: now(), staleAfter: staleAfter),
            let inventory = try await fleet.inventory(hostID: id)
        else { throw AdminFailure.notFound("no live host \(id.uuidString.lowercased())") }
        let facts = try await fleet.policyFacts(hostID: id)
        let changes = try await fleet.recentChanges(hostID: id, limit: 100)
        let catalogue: [ApprovedMcpServer]
        do {
            catalogue = try await decisions.snapshot(revision: nil, at: nil).bundle.mcpServers
        } catch DecisionQuery.Failure.noPolicy {
            catalogue = []
        }
        return .ok(
            .init(
                body: .json(
                    .init(
                        listed, inventory: inventory, tags: facts?.tags ?? [],
                        bound: try await fleet.boundUsers(hostID: id),
                        changes: changes, catalogue: catalogue))))
    }
}
