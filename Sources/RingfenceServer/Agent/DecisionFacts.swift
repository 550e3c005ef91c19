import Foundation
import RingfenceCore
import RingfenceProto
import RingfenceStore

/// The facts of a decision that the server owns, looked up for an agent's request: the
/// user's groups and roles from the directory mirror, the host's ring, tags and bound
/// users from the fleet. Each is cached for `server.cacheSeconds` and served a reload's
/// time past that, so a slow PostgreSQL does not hold every fetch. Repository trust is not
/// looked up here: the resolver takes it from the policy's `repositories.yaml`.
///
/// `FetchPolicy` and `ringfence explain --user U --host H --repo R` both build their
/// context here, so the two resolve alike.
public struct DecisionFacts: Sendable {
    struct UserFacts: Sendable {
        var groups: [String]
        var roles: [String]
        var known: Bool
    }

    /// Why a context cannot be built for a request.
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        /// No live host has this id.
        case unknownHost(UUID)
        /// The user is not bound to the host, which is not shared.
        case userNotBound(user: String, host: UUID)

        public var description: String {
            switch self {
            case .unknownHost(let host): "no live host \(host.uuidString.lowercased())"
            case .userNotBound(let user, let host):
                "user '\(user)' is not bound to host \(host.uuidString.lowercased()); an admin binds it with `ringfence hosts bind`"
            }
        }
    }

    let fleet: FleetStore
    let directory: DirectoryStore
    let users: ExpiringCache<String, UserFacts>
    let hosts: ExpiringCache<UUID, HostPolicyFacts?>

    /// Facts read through `fleet` and `directory`, cached for `cacheSeconds` (0: not cached).
    public init(fleet: FleetStore, directory: DirectoryStore, cacheSeconds: TimeInterval) {
        self.fleet = fleet
        self.directory = directory
        self.users = ExpiringCache(lifetime: cacheSeconds, servesStale: true)
        self.hosts = ExpiringCache(lifetime: cacheSeconds, servesStale: true)
    }

    /// The decision context of a request from `hostID`: what it names, completed with
    /// the server's facts. Groups, roles, ring, tags and trust an agent sends are never used.
    ///
    /// - Throws: ``Refusal`` when the host is unknown or the user is not bound to it.
    public func context(for requested: RequestedContext, hostID: UUID?, now: Date) async throws -> DecisionContext {
        try await facts(for: requested, hostID: hostID, now: now).context
    }

    /// The context, and whether the directory mirror knows the user.
    public func facts(for requested: RequestedContext, hostID: UUID?, now: Date) async throws -> (
        context: DecisionContext, userKnown: Bool
    ) {
        let directory = directory
        var host: HostPolicyFacts?
        if let hostID {
            let facts = try await self.host(hostID, now: now)
            guard facts.admits(user: requested.user) else {
                throw Refusal.userNotBound(user: requested.user, host: hostID)
            }
            host = facts
        }
        let userKey = requested.user.lowercased()
        let user = try await users.value(for: userKey, now: now) {
            let facts = try await directory.facts(user: userKey)
            return UserFacts(groups: facts?.groups ?? [], roles: facts?.roles ?? [], known: facts != nil)
        }
        let context = DecisionContext(
            user: requested.user, groups: user.groups, roles: user.roles, hostRing: host?.ring,
            hostTags: host?.tags ?? [], repo: requested.repo, trust: nil, agent: requested.agentKind,
            surfaces: requested.surfaces, at: now)
        return (context, user.known)
    }

    /// Ring, tags and bound users of a live host.
    /// - Throws: ``Refusal/unknownHost(_:)`` when no live host has this id.
    public func host(_ hostID: UUID, now: Date) async throws -> HostPolicyFacts {
        let fleet = fleet
        let facts = try await hosts.value(for: hostID, now: now) { try await fleet.policyFacts(hostID: hostID) }
        guard let facts else { throw Refusal.unknownHost(hostID) }
        return facts
    }
}
