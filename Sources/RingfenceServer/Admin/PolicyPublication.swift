import Foundation
import RingfenceCore
import RingfenceStore

/// Publishing and rolling back policy, for `ringfence apply` / `rollback` and the admin
/// API alike: the plan first — what would change against the current revision, with the
/// exceptions, holds and promotions a publish keeps, and its impact on last week's
/// population and events (docs/operations.md "The impact preview") — then the publish,
/// refused when another revision was published since the plan.
public struct PolicyPublication: Sendable {
    /// What a publish would do.
    public struct Plan: Sendable {
        /// The revision the plan was made against; nil before the first publish.
        public var current: PolicyStore.Revision?
        /// What would be published.
        public var next: PolicyBundle
        public var diff: PolicyDiff
        public var impact: ImpactPreview
    }

    let policies: PolicyStore
    let population: PopulationStore

    public init(policies: PolicyStore, population: PopulationStore) {
        self.policies = policies
        self.population = population
    }

    /// The plan of publishing `bundle` (files as loaded) at `now`.
    public func plan(publishing bundle: PolicyBundle, now: Date = Date()) async throws -> Plan {
        // An invalid bundle is refused by the one compilation of `next` below.
        let current = try await policies.currentRevision()
        var currentBundle: PolicyBundle?
        if let current { currentBundle = try await policies.bundle(revision: current.number) }
        return try await plan(next: bundle.keepingAdjustments(of: currentBundle), current: current, currentBundle, now)
    }

    /// The plan of returning to the content of `revision`.
    /// - Throws: ``DecisionQuery/Failure`` when nothing was published or there is no such revision.
    public func plan(rollingBackTo revision: Int64, now: Date = Date()) async throws -> Plan {
        guard let current = try await policies.currentRevision() else { throw DecisionQuery.Failure.noPolicy }
        guard revision >= 1, revision <= current.number else { throw DecisionQuery.Failure.unknownRevision(revision) }
        let currentBundle = try await policies.bundle(revision: current.number)
        let next = try await policies.bundle(revision: revision).keepingAdjustments(of: currentBundle)
        return try await plan(next: next, current: current, currentBundle, now)
    }

    /// Publishes the files a plan was made for; `PolicyStoreError.revisionMoved` when
    /// another revision was published since.
    public func publish(_ bundle: PolicyBundle, planned plan: Plan, actor: String, comment: String?) async throws
        -> Int64
    {
        try await policies.publish(bundle, actor: actor, comment: comment, expectedCurrent: plan.current?.number)
    }

    /// Rolls back to `revision` as planned; refused as ``publish(_:planned:actor:comment:)`` is.
    public func rollback(to revision: Int64, planned plan: Plan, actor: String, comment: String?) async throws -> Int64
    {
        try await policies.rollback(to: revision, actor: actor, comment: comment, expectedCurrent: plan.current?.number)
    }

    private func plan(next: PolicyBundle, current: PolicyStore.Revision?, _ currentBundle: PolicyBundle?, _ now: Date)
        async throws -> Plan
    {
        let diff = PolicyDiff(from: currentBundle, to: next, published: try await policies.publishedPackVersions())
        let since = now.addingTimeInterval(-7 * 86_400)
        let impact = ImpactPreview(
            population: try await population.population(since: since, at: now),
            events: try await population.recentEvents(since: since, at: now),
            current: try currentBundle.map { try PolicySnapshot(bundle: $0) }, next: try PolicySnapshot(bundle: next))
        return Plan(current: current, next: next, diff: diff, impact: impact)
    }
}
