import Foundation
import RingfenceCore
import RingfenceProto
import RingfenceStore

/// A decision a person asks about — `ringfence resolve` and `explain`, the admin API's
/// `POST /api/v1/resolve`, the console's explain form: the context they describe,
/// completed as FetchPolicy completes an agent's request, resolved against the policy in
/// force.
///
/// The user's groups and roles come from the directory mirror unless the request gives
/// some (a what-if); with a host, its ring and tags (unless given), and the user must be
/// bound to it. With `asOf`, the directory and the host as they were at the context's
/// moment (``HistoricalFacts``; the binding is not checked) and the revision in force then.
public struct DecisionQuery: Sendable {
    /// What was asked.
    public struct Request: Sendable {
        /// The context as given: groups, roles, host ring, host tags and trust are what-ifs.
        public var context: DecisionContext
        public var hostID: UUID?
        /// Whether the context's moment was given (the past is replayed) or is now.
        public var asOf: Bool
        /// A revision to resolve against instead of the one in force.
        public var revision: Int64?

        public init(context: DecisionContext, hostID: UUID? = nil, asOf: Bool = false, revision: Int64? = nil) {
            self.context = context
            self.hostID = hostID
            self.asOf = asOf
            self.revision = revision
        }

        /// Whether the groups and roles are left to the directory mirror.
        public var groupsFromDirectory: Bool {
            context.groups.isEmpty && context.roles.isEmpty && !context.user.isEmpty
        }
    }

    /// Why there is no policy to resolve against.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case noPolicy
        case noRevision(at: Date)
        case unknownRevision(Int64)

        public var description: String {
            switch self {
            case .noPolicy: "no policy published yet: run ringfence apply -f DIR"
            case .noRevision(let moment): "no policy revision was in force at \(moment.formatted(.iso8601))"
            case .unknownRevision(let number): "no policy revision \(number)"
            }
        }
    }

    let fleet: FleetStore
    let directory: DirectoryStore
    let policies: PolicyStore
    let cache: PolicySnapshotCache?

    /// Reads through these stores; `cache`, when given (in `serve`), answers "the latest"
    /// without reading the revision again.
    public init(fleet: FleetStore, directory: DirectoryStore, policies: PolicyStore, cache: PolicySnapshotCache? = nil)
    {
        self.fleet = fleet
        self.directory = directory
        self.policies = policies
        self.cache = cache
    }

    /// The context completed with the server's facts, and whether the mirror knows the
    /// user. `readDirectory` false keeps the given groups and roles (policy from files).
    /// - Throws: ``DecisionFacts/Refusal`` for an unknown host or a user not bound to it.
    public func complete(_ request: Request, readDirectory: Bool = true) async throws -> (
        context: DecisionContext, userKnown: Bool
    ) {
        let given = request.context
        let fromDirectory = request.groupsFromDirectory && readDirectory
        guard request.hostID != nil || fromDirectory else { return (given, true) }
        let requested = RequestedContext(
            user: given.user, repo: given.repo ?? "", agentKind: given.agent, surfaces: given.surfaces)
        let (facts, known) =
            request.asOf
            ? try await HistoricalFacts(fleet: fleet, directory: directory).facts(
                for: requested, hostID: request.hostID, at: given.at)
            : try await DecisionFacts(fleet: fleet, directory: directory, cacheSeconds: 0).facts(
                for: requested, hostID: request.hostID, now: given.at)
        let context = DecisionContext(
            user: given.user, groups: fromDirectory ? facts.groups : given.groups,
            roles: fromDirectory ? facts.roles : given.roles, hostRing: given.hostRing ?? facts.hostRing,
            hostTags: given.hostTags.isEmpty ? facts.hostTags : given.hostTags, repo: given.repo,
            trust: given.trust, agent: given.agent, surfaces: given.surfaces, at: given.at)
        return (context, known || !fromDirectory)
    }

    /// The compiled revision `revision`, else the one in force at `moment`, else the latest.
    public func snapshot(revision: Int64?, at moment: Date?) async throws -> PolicySnapshot {
        if let revision {
            guard let latest = try await policies.currentRevision(), revision >= 1, revision <= latest.number else {
                throw Failure.unknownRevision(revision)
            }
            return try await policies.snapshot(revision: revision)
        }
        if let moment {
            guard let number = try await policies.revision(at: moment) else { throw Failure.noRevision(at: moment) }
            return try await policies.snapshot(revision: number)
        }
        if let cache, let current = await cache.current { return current }
        guard let latest = try await policies.currentRevision() else { throw Failure.noPolicy }
        return try await policies.snapshot(revision: latest.number)
    }

    /// The resolution of the request, and whether the mirror knows the user.
    public func resolve(_ request: Request) async throws -> (resolution: Resolution, userKnown: Bool) {
        let (context, known) = try await complete(request)
        let snapshot = try await snapshot(revision: request.revision, at: request.asOf ? context.at : nil)
        return (snapshot.resolve(context), known)
    }
}
