import ArgumentParser
import Foundation
import RingfenceCore
import RingfenceFiles
import RingfenceStore

/// Who is acting, for the history: `--actor`, else `$USER`, else `unknown`.
struct ActorOption: ParsableArguments {
    @Option(help: "Name recorded in the history (default: $USER).") var actor: String?

    var name: String { actor ?? EnvironmentReader.current["USER"] ?? "unknown" }
}

/// Asks before publishing unless `--yes`; refuses without a terminal.
func confirm(_ question: String, yes: Bool) throws {
    if yes { return }
    guard isatty(STDIN_FILENO) != 0 else {
        throw ValidationError("\(question) Not asking without a terminal: re-run with --yes.")
    }
    print("\(question) [y/N] ", terminator: "")
    guard let answer = readLine(), answer.lowercased() == "y" || answer.lowercased() == "yes" else {
        throw ValidationError("not published")
    }
}

/// `ringfence apply -f DIR`: validates policy files, shows the diff, publishes a new revision.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Publish a policy directory (packs, assignments, mappings) as a new revision, after showing the diff."
    )

    @Option(name: .customShort("f"), help: "Directory of policy YAML files.") var directory: String
    @Option(help: "Comment recorded with the revision.") var comment: String?
    @Flag(help: "Publish without asking.") var yes = false
    @Flag(help: "Show the diff and the impact on last week's users, hosts, repositories and events; publish nothing.")
    var preview = false
    @OptionGroup var actor: ActorOption
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let policy = try PolicyFiles.load(directory: URL(fileURLWithPath: directory))
        _ = try PolicySnapshot(bundle: policy.bundle)
        let actor = actor.name
        let comment = comment
        let yes = yes
        let previewOnly = preview
        try await withPostgres(try database.configuration()) { client in
            let store = PolicyStore(client: client)
            let current = try await store.currentRevision()
            var currentBundle: PolicyBundle?
            if let current { currentBundle = try await store.bundle(revision: current.number) }
            let diff = PolicyDiff(
                from: currentBundle, to: policy.bundle, published: try await store.publishedPackVersions())
            guard !diff.isEmpty else {
                print("nothing to publish: \(directory) equals revision \(current?.number ?? 0)")
                return
            }
            print("changes against revision \(current.map { String($0.number) } ?? "none"):")
            for line in diff.lines { print("  \(line)") }
            let since = Date().addingTimeInterval(-7 * 86_400)
            let population = PopulationStore(client: client)
            let impact = ImpactPreview(
                population: try await population.population(since: since, at: Date()),
                events: try await population.recentEvents(since: since, at: Date()),
                current: try currentBundle.map { try PolicySnapshot(bundle: $0) },
                next: try PolicySnapshot(bundle: policy.bundle))
            for line in impact.lines() { print(line) }
            if previewOnly {
                print("preview only: nothing was published")
                return
            }
            try confirm("Publish revision \((current?.number ?? 0) + 1)?", yes: yes)
            let revision = try await store.publish(
                policy.bundle, actor: actor, comment: comment, expectedCurrent: current?.number)
            print("published revision \(revision)")
        }
    }
}

/// `ringfence revisions`: the published revisions, newest first.
struct RevisionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revisions", abstract: "List policy revisions, newest first.")

    @Option(help: "How many.") var limit = 50
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let limit = limit
        let revisions = try await withPostgres(try database.configuration()) { client in
            try await PolicyStore(client: client).revisions(limit: limit)
        }
        if revisions.isEmpty { print("no policy published yet") }
        for revision in revisions {
            var line = "\(revision.number)  \(revision.createdAt.formatted(.iso8601))  \(revision.createdBy)"
            if let from = revision.rolledBackFrom { line += "  (rollback to \(from))" }
            if let comment = revision.comment { line += "  \(comment)" }
            print(line)
        }
    }
}

/// `ringfence history`: assignment changes and what the rollout did (promotions, steps
/// held, rules held and released), newest first.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show assignment changes and rollout events (append-only), newest first.")

    @Option(help: "Only this assignment (rollout events are left out).") var assignment: String?
    @Option(help: "How many.") var limit = 200
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let assignment = assignment
        let limit = limit
        let (entries, rollout) = try await withPostgres(try database.configuration()) { client in
            (
                try await PolicyStore(client: client).history(assignment: assignment, limit: limit),
                assignment == nil ? try await RolloutStore(client: client).events(limit: limit) : []
            )
        }
        let lines =
            entries.map { entry in
                (
                    entry.at,
                    "revision \(entry.revision)  \(entry.at.formatted(.iso8601))  \(entry.actor)  \(entry.change) \(entry.assignment)"
                )
            }
            + rollout.map { event in
                (
                    event.at,
                    "revision \(event.revision.map(String.init) ?? "-")  \(event.at.formatted(.iso8601))  \(event.actor)  rollout: \(event.headline)"
                )
            }
        if lines.isEmpty { print("no history") }
        for (_, line) in lines.sorted(by: { $0.0 > $1.0 }).prefix(limit) { print(line) }
    }
}

/// `ringfence rollback --to REV`: publishes a new revision equal to an old one.
struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Publish a new revision equal to an earlier one (history keeps both; evidence is never deleted)."
    )

    @Option(help: "The revision to return to.") var to: Int64
    @Flag(help: "Roll back without asking.") var yes = false
    @OptionGroup var actor: ActorOption
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let target = to
        let actor = actor.name
        let yes = yes
        try await withPostgres(try database.configuration()) { client in
            let store = PolicyStore(client: client)
            guard let current = try await store.currentRevision() else {
                throw ValidationError("no policy published yet")
            }
            let diff = PolicyDiff(
                from: try await store.bundle(revision: current.number), to: try await store.bundle(revision: target),
                published: try await store.publishedPackVersions())
            print("rolling back from revision \(current.number) to the content of revision \(target):")
            for line in diff.isEmpty ? ["(no difference)"] : diff.lines { print("  \(line)") }
            try confirm("Publish revision \(current.number + 1) equal to revision \(target)?", yes: yes)
            let revision = try await store.rollback(to: target, actor: actor, expectedCurrent: current.number)
            print("published revision \(revision) (rollback to \(target))")
        }
    }
}
