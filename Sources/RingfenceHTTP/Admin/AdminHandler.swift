import Foundation
import RingfenceAdminAPI
import RingfenceCore
import RingfenceServer
import RingfenceStore

/// The admin API's operations (openapi/admin.yaml, `APIProtocol` generated from it): each
/// handler reads its input, checks what only the data can tell (a manager's own groups),
/// calls the store or the shared server logic (`DecisionQuery`, `PolicyPublication`) and
/// maps the result. Authentication, the role's permission and error responses happen
/// around it (`AdminAuthentication`, `AdminAuthorizationMiddleware`,
/// `AdminErrorMiddleware`); failures are thrown as ``AdminFailure``.
public struct AdminHandler: APIProtocol {
    let fleet: FleetStore
    let directory: DirectoryStore
    let policies: PolicyStore
    let decisions: DecisionQuery
    let publication: PolicyPublication
    let exceptions: ExceptionStore
    /// The directory group whose members may decide any exception request (`exceptions.approverGroup`).
    let approverGroup: String?
    let rollout: RolloutRound
    let reports: ReportRecords
    /// Forgets a revoked token's cached record on this replica at once.
    let forgetToken: @Sendable (String) -> Void
    /// The fleet's counts by stale threshold, taken at most every `countsSeconds` on this
    /// replica (a count over every host and user costs 100–200 ms at 100,000 hosts);
    /// `asOf` in the answer says when.
    let counts: ExpiringCache<Int, (counts: FleetStore.FleetCounts, at: Date)>
    /// The rollout's steps with their gates measured, taken at most every `rolloutSeconds`
    /// on this replica (each step measures its members' hosts and a week of their events).
    let rolloutStatus: ExpiringCache<Int64, Components.Schemas.RolloutStatus>
    let now: @Sendable () -> Date

    public init(
        fleet: FleetStore, directory: DirectoryStore, policies: PolicyStore, population: PopulationStore,
        exceptions: ExceptionStore, approverGroup: String? = nil, rollout: RolloutRound, reports: ReportRecords,
        snapshots: PolicySnapshotCache?, forgetToken: @escaping @Sendable (String) -> Void = { _ in },
        countsSeconds: TimeInterval = 10, rolloutSeconds: TimeInterval = 30,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.rolloutStatus = ExpiringCache(lifetime: rolloutSeconds, capacity: 4)
        self.exceptions = exceptions
        self.approverGroup = approverGroup
        self.rollout = rollout
        self.reports = reports
        self.counts = ExpiringCache(lifetime: countsSeconds, capacity: 64)
        self.fleet = fleet
        self.directory = directory
        self.policies = policies
        self.decisions = DecisionQuery(fleet: fleet, directory: directory, policies: policies, cache: snapshots)
        self.publication = PolicyPublication(policies: policies, population: population)
        self.forgetToken = forgetToken
        self.now = now
    }

    public func getMe(_ input: Operations.GetMe.Input) async throws -> Operations.GetMe.Output {
        let principal = try AdminPrincipal.required()
        let owned = principal.role == .manager ? try await directory.ownedGroups(user: principal.name) : []
        return .ok(
            .init(
                body: .json(
                    .init(name: principal.name, role: .init(principal.role), ownedGroups: owned))))
    }
}
