import ArgumentParser
import Foundation
import RingfenceCore
import RingfenceFiles
import RingfenceProto
import RingfenceServer
import RingfenceStore

/// Where policy comes from: `--policy DIR` (YAML files), or PostgreSQL — the current
/// revision, `--revision N`, or the revision in force at the context's `--at`.
struct PolicySource: ParsableArguments {
    @Option(
        name: .customLong("policy"), help: "Directory of policy YAML files; without it, policy is read from PostgreSQL."
    )
    var directory: String?

    @Option(
        name: .customLong("revision"),
        help: "Policy revision to use from PostgreSQL (default: the one in force at --at, or the latest).")
    var revision: Int64?

    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        if directory != nil && revision != nil { throw ValidationError("--policy and --revision exclude each other") }
    }

    /// Resolves the context the flags describe, against the policy in force at its `--at`
    /// (or the latest when no time was given).
    func resolve(_ options: ContextOptions) async throws -> Resolution {
        let context = try await context(options)
        return try await load(at: options.at == nil ? nil : context.at).resolve(context)
    }

    /// The context the flags describe, completed as FetchPolicy completes an agent's
    /// request (`DecisionFacts`): the user's groups and roles from the directory mirror
    /// unless `--groups`/`--roles` are given; the ring and tags of `--host`, which must
    /// have the user bound; the repository's trust from the policy unless `--trust`. The
    /// database is read when `--host` is given or the groups come from the mirror (and
    /// policy is not read from files). With `--at`, the directory and the host are taken
    /// as they were then (`HistoricalFacts`: memberships and roles replayed from their
    /// history, the host's ring and tags from its changes; the binding is not checked).
    func context(_ options: ContextOptions) async throws -> DecisionContext {
        let flags = try options.context()
        let hostID = try options.hostID()
        guard hostID != nil || (options.groupsFromDirectory && directory == nil) else { return flags }
        let requested = RequestedContext(
            user: flags.user, repo: flags.repo ?? "", agentKind: flags.agent, surfaces: flags.surfaces)
        let historical = options.at != nil
        let (facts, known) = try await withPostgres(try database.configuration()) { client in
            let fleet = FleetStore(client: client)
            let directory = DirectoryStore(client: client)
            return historical
                ? try await HistoricalFacts(fleet: fleet, directory: directory).facts(
                    for: requested, hostID: hostID, at: flags.at)
                : try await DecisionFacts(fleet: fleet, directory: directory, cacheSeconds: 0).facts(
                    for: requested, hostID: hostID, now: flags.at)
        }
        if !known && options.groupsFromDirectory {
            FileHandle.standardError.write(
                Data(
                    "note: user '\(flags.user)' is not in the directory mirror: resolved with no groups, as FetchPolicy would (run ringfence sync, or pass --groups)\n"
                        .utf8))
        }
        let fromDirectory = options.groupsFromDirectory
        return DecisionContext(
            user: flags.user, groups: fromDirectory ? facts.groups : flags.groups,
            roles: fromDirectory ? facts.roles : flags.roles, hostRing: flags.hostRing ?? facts.hostRing,
            hostTags: options.hostTags.isEmpty ? facts.hostTags : flags.hostTags, repo: flags.repo,
            trust: flags.trust, agent: flags.agent, surfaces: flags.surfaces, at: flags.at)
    }

    /// The policy, compiled. `at` picks the revision in force then (database only).
    func load(at moment: Date?) async throws -> PolicySnapshot {
        if let directory {
            return try PolicySnapshot(bundle: try PolicyFiles.load(directory: URL(fileURLWithPath: directory)).bundle)
        }
        let revision = self.revision
        return try await withPostgres(try database.configuration()) { client in
            try await Self.snapshot(from: PolicyStore(client: client), revision: revision, at: moment)
        }
    }

    /// The snapshot of `revision`, else of the revision in force at `moment`, else of the latest.
    /// (A function of its own, not inline in the closure above: Swift 6.3.1 crashes in
    /// release builds — LLVM coroutine splitting — on the inline form.)
    private static func snapshot(from store: PolicyStore, revision: Int64?, at moment: Date?) async throws
        -> PolicySnapshot
    {
        let chosen: Int64?
        if let revision {
            chosen = revision
        } else if let moment {
            chosen = try await store.revision(at: moment)
        } else {
            chosen = try await store.currentRevision()?.number
        }
        guard let chosen else {
            guard let moment else { throw ValidationError("no policy published yet: run ringfence apply -f DIR") }
            throw ValidationError("no policy revision was in force at \(moment.formatted(.iso8601))")
        }
        return try await store.snapshot(revision: chosen)
    }
}
