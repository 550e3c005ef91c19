import ArgumentParser
import Foundation
import RingfenceCore
import RingfenceFiles
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
        let context = try options.context()
        return try await load(at: options.at == nil ? nil : context.at).resolve(context)
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
