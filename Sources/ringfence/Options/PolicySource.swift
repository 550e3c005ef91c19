import ArgumentParser
import Foundation
import PostgresNIO
import RingfenceCore
import RingfenceFiles
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

    /// Refuses the flags that name where policy comes from locally, when `flag` sends the
    /// question to a server.
    func checkUnused(with flag: String) throws {
        if directory != nil { throw ValidationError("--policy is not used with \(flag)") }
        if database.url != nil { throw ValidationError("--database-url is not used with \(flag)") }
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
        let request = DecisionQuery.Request(
            context: try options.context(), hostID: try options.hostID(), asOf: options.at != nil)
        let readDirectory = directory == nil
        guard request.hostID != nil || (request.groupsFromDirectory && readDirectory) else { return request.context }
        let (context, known) = try await withPostgres(try database.configuration()) { client in
            try await Self.query(client).complete(request, readDirectory: readDirectory)
        }
        if !known {
            FileHandle.standardError.write(
                Data(
                    "note: user '\(request.context.user)' is not in the directory mirror: resolved with no groups, as FetchPolicy would (run ringfence sync, or pass --groups)\n"
                        .utf8))
        }
        return context
    }

    /// The policy, compiled. `at` picks the revision in force then (database only).
    func load(at moment: Date?) async throws -> PolicySnapshot {
        if let directory {
            return try PolicySnapshot(bundle: try PolicyFiles.load(directory: URL(fileURLWithPath: directory)).bundle)
        }
        let revision = self.revision
        return try await withPostgres(try database.configuration()) { client in
            try await Self.query(client).snapshot(revision: revision, at: moment)
        }
    }

    private static func query(_ client: PostgresClient) -> DecisionQuery {
        DecisionQuery(
            fleet: FleetStore(client: client), directory: DirectoryStore(client: client),
            policies: PolicyStore(client: client))
    }
}
