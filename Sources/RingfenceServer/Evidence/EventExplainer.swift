import Foundation
import RingfenceCore
import RingfenceProto
import RingfenceStore

/// Replays stored audit events (`ringfence events explain`): for each, the revision its
/// agent decided with (named by the event, else the one in force when it happened), the
/// resolution served to its host with that etag (stored by FetchPolicy, with its context
/// and trace), the directory and host as they were at that moment (``HistoricalFacts``),
/// the policy rebuilt from those and compared with the event (``DecisionReplay``), and
/// what today's policy and directory would make of it.
public struct EventExplainer: Sendable {
    let events: EventStore
    let policy: PolicyStore
    let resolutions: ResolutionStore
    let facts: HistoricalFacts
    let current: DecisionFacts

    public init(
        events: EventStore, policy: PolicyStore, resolutions: ResolutionStore, fleet: FleetStore,
        directory: DirectoryStore
    ) {
        self.events = events
        self.policy = policy
        self.resolutions = resolutions
        facts = HistoricalFacts(fleet: fleet, directory: directory)
        current = DecisionFacts(fleet: fleet, directory: directory, cacheSeconds: 0)
    }

    /// One event explained.
    public struct Explanation: Sendable {
        public var event: StoredEvent
        /// The revision replayed, and whether the event named it (else: in force at the time).
        public var revision: PolicyStore.Revision
        public var revisionNamedByEvent: Bool
        /// The resolution FetchPolicy served the host with the event's etag and revision, if stored.
        public var served: ResolutionStore.StoredResolution?
        /// Whether the directory knew the user at the moment.
        public var userKnown: Bool
        /// The policy rebuilt for the event, and the comparison.
        public var replayed: Resolution
        public var replay: DecisionReplay
        /// Today's policy for the same context with today's directory (nil when the host
        /// is gone or no policy is published), and what would change.
        public var today: Resolution?
        public var todayChange: String?
    }

    /// Why an event cannot be explained.
    public enum Failure: Error, CustomStringConvertible {
        case noSuchEvent(String)
        case noRevision(Date)

        public var description: String {
            switch self {
            case .noSuchEvent(let id): "no stored event has id '\(id)'"
            case .noRevision(let at): "no policy revision was in force at \(at.formatted(.iso8601))"
            }
        }
    }

    /// Explains every stored event with this id (on `hostID` when given).
    public func explain(eventID: String, hostID: UUID?) async throws -> [Explanation] {
        let found = try await events.events(id: eventID, hostID: hostID)
        guard !found.isEmpty else { throw Failure.noSuchEvent(eventID) }
        return try await explain(found)
    }

    /// Explains stored events, reading each revision and each served resolution once. An event from before any
    /// published revision throws ``Failure/noRevision(_:)`` unless `skippingUnexplainable`,
    /// which leaves it out instead.
    public func explain(_ found: [StoredEvent], skippingUnexplainable: Bool = false) async throws -> [Explanation] {
        var snapshots: [Int64: PolicySnapshot] = [:]
        func snapshot(_ revision: Int64) async throws -> PolicySnapshot {
            if let known = snapshots[revision] { return known }
            let loaded = try await policy.snapshot(revision: revision)
            snapshots[revision] = loaded
            return loaded
        }
        let revisions = try await policy.revisions(limit: Int.max)
        let latest = revisions.first
        let revisionsByNumber = Dictionary(revisions.map { ($0.number, $0) }) { first, _ in first }
        struct ServedKey: Hashable {
            var host: UUID
            var etag: String
            var revision: Int64
        }
        var servedCache: [ServedKey: ResolutionStore.StoredResolution?] = [:]
        var result: [Explanation] = []
        for stored in found {
            let event = stored.event
            let named = event.policyRevision > 0
            guard
                let number = named ? event.policyRevision : try await policy.revision(at: event.occurredAt),
                let revision = revisionsByNumber[number]
            else {
                if skippingUnexplainable { continue }
                throw Failure.noRevision(event.occurredAt)
            }
            var served: ResolutionStore.StoredResolution?
            if !event.policyETag.isEmpty {
                let key = ServedKey(host: event.hostID, etag: event.policyETag, revision: number)
                if let known = servedCache[key] {
                    served = known
                } else {
                    served = try await resolutions.served(
                        hostID: event.hostID, etag: event.policyETag, revision: number
                    )
                    .first
                    servedCache[key] = served
                }
            }
            let (replayed, known) = try await replay(
                event, served: served, snapshot: try await snapshot(number))
            var today: Resolution?
            var change: String?
            if let latest {
                let context = replayed.context
                let requested = RequestedContext(
                    user: context.user, repo: context.repo ?? "", agentKind: context.agent)
                do {
                    let now = try await current.context(for: requested, hostID: event.hostID, now: Date())
                    let resolution = try await snapshot(latest.number).resolve(now)
                    today = resolution
                    change = DecisionReplay.change(event: event, replayed: replayed, today: resolution)
                } catch let refusal as DecisionFacts.Refusal {
                    change = "no decision today: \(refusal)"
                }
            }
            result.append(
                Explanation(
                    event: stored, revision: revision, revisionNamedByEvent: named, served: served, userKnown: known,
                    replayed: replayed, replay: DecisionReplay(event: event, replayed: replayed), today: today,
                    todayChange: change))
        }
        return result
    }

    /// The policy the event's agent held, rebuilt at the event's moment: for the agent kind
    /// and repository of the resolution served with its etag when one is stored; else for
    /// the event's agent in the event's repository, or outside repositories when that is
    /// the one with the event's etag (a hook uses the host's main policy in a repository
    /// it holds none for).
    func replay(_ event: AuditEventRecord, served: ResolutionStore.StoredResolution?, snapshot: PolicySnapshot)
        async throws -> (Resolution, userKnown: Bool)
    {
        var candidates: [(agent: String, repo: String)] = []
        if let served { candidates.append((served.agentKind, served.repo)) }
        candidates.append((event.agentKind, event.repo))
        if !event.repo.isEmpty { candidates.append((event.agentKind, "")) }
        var first: (Resolution, Bool)?
        for candidate in candidates {
            let requested = RequestedContext(user: event.user, repo: candidate.repo, agentKind: candidate.agent)
            let (context, known) = try await facts.facts(for: requested, hostID: event.hostID, at: event.occurredAt)
            let resolution = snapshot.resolve(context)
            if resolution.etag == event.policyETag { return (resolution, known) }
            if first == nil { first = (resolution, known) }
        }
        return first!
    }
}
