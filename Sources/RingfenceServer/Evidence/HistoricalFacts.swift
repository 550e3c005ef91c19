import Foundation
import RingfenceCore
import RingfenceProto
import RingfenceStore

/// The facts of a decision as they were at a past moment: the user's groups and roles
/// replayed from the directory's history (``DirectoryStore/facts(user:at:)``), the host's
/// ring and tags from its change history (``FleetStore/policyFacts(hostID:at:)``). What
/// ``DecisionFacts`` reads for a fetch now, read for `explain --at` and `events explain`.
/// Not cached. Whether a user was bound to the host is not checked: the decision was made.
public struct HistoricalFacts: Sendable {
    let fleet: FleetStore
    let directory: DirectoryStore

    public init(fleet: FleetStore, directory: DirectoryStore) {
        self.fleet = fleet
        self.directory = directory
    }

    /// The context of `requested` on `hostID` at `moment`, and whether the directory knew
    /// the user then.
    /// - Throws: ``DecisionFacts/Refusal/unknownHost(_:)`` when no host had this id then.
    public func facts(for requested: RequestedContext, hostID: UUID?, at moment: Date) async throws -> (
        context: DecisionContext, userKnown: Bool
    ) {
        var host: HostPolicyFacts?
        if let hostID {
            guard let facts = try await fleet.policyFacts(hostID: hostID, at: moment) else {
                throw DecisionFacts.Refusal.unknownHost(hostID)
            }
            host = facts
        }
        let user = try await directory.facts(user: requested.user, at: moment)
        let context = DecisionContext(
            user: requested.user, groups: user?.groups ?? [], roles: user?.roles ?? [], hostRing: host?.ring,
            hostTags: host?.tags ?? [], repo: requested.repo, trust: nil, agent: requested.agentKind,
            surfaces: requested.surfaces, at: moment)
        return (context, user != nil)
    }
}
