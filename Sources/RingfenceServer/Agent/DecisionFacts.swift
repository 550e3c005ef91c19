import Foundation
import RingfenceCore
import RingfenceProto
import RingfenceStore

/// The facts of a decision that the server owns, looked up for an agent's request: the
/// user's groups and roles from the directory mirror, the host's ring and tags from the
/// fleet, the repository's trust. Each is cached for `server.cacheSeconds` and served a
/// reload's time past that, so a slow PostgreSQL does not hold every fetch.
struct DecisionFacts: Sendable {
    struct UserFacts: Sendable {
        var groups: [String]
        var roles: [String]
    }

    let fleet: FleetStore
    let directory: DirectoryStore
    let users: ExpiringCache<String, UserFacts>
    let hosts: ExpiringCache<UUID, HostPolicyFacts?>
    let trust: ExpiringCache<String, RepoTrust?>

    init(fleet: FleetStore, directory: DirectoryStore, cacheSeconds: TimeInterval) {
        self.fleet = fleet
        self.directory = directory
        self.users = ExpiringCache(lifetime: cacheSeconds, servesStale: true)
        self.hosts = ExpiringCache(lifetime: cacheSeconds, servesStale: true)
        self.trust = ExpiringCache(lifetime: cacheSeconds, servesStale: true)
    }

    /// The decision context of a request from `hostID`: what it names, completed with
    /// the server's facts. Groups, roles, ring and tags the agent sends are never used.
    func context(for requested: RequestedContext, hostID: UUID, now: Date) async throws -> DecisionContext {
        let fleet = fleet
        let directory = directory
        let host = try await hosts.value(for: hostID, now: now) { try await fleet.policyFacts(hostID: hostID) }
        let userKey = requested.user.lowercased()
        let user = try await users.value(for: userKey, now: now) {
            let facts = try await directory.facts(user: userKey)
            return UserFacts(groups: facts?.groups ?? [], roles: facts?.roles ?? [])
        }
        var repoTrust = requested.statedTrust
        if repoTrust == nil, !requested.repo.isEmpty {
            let slug = requested.repo
            repoTrust = try await trust.value(for: slug, now: now) { try await fleet.repoTrust(slug: slug) }
        }
        return DecisionContext(
            user: requested.user, groups: user.groups, roles: user.roles, hostRing: host?.ring,
            hostTags: host?.tags ?? [], repo: requested.repo, trust: repoTrust, agent: requested.agentKind,
            surfaces: requested.surfaces, at: now)
    }
}
