import ArgumentParser
import Foundation
import RingfenceAdminAPI
import RingfenceCore
import RingfenceFiles
import RingfenceServer
import RingfenceStore

/// Who is acting, for the history: `--actor`, else `$USER`, else `unknown`.
struct ActorOption: ParsableArguments {
    @Option(help: "Name recorded in the history (default: $USER; with --server, the token's person).")
    var actor: String?

    var name: String { actor ?? EnvironmentReader.current["USER"] ?? "unknown" }

    /// With `--server` the token's person is the actor: `--actor` would be a lie.
    func checkUnused() throws {
        if actor != nil { throw ValidationError("--actor is not used with --server: the token's person is the actor") }
    }
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
    @OptionGroup var remote: AdminServerOptions

    func run() async throws {
        if let remote = try remote.client() {
            try actor.checkUnused()
            guard let comment else { throw ValidationError("--server needs --comment: the API records one") }
            let answered = self.yes
            try await remote.publish(directory: directory, comment: comment, preview: preview) { next in
                try confirm("Publish revision \(next)?", yes: answered)
            }
            return
        }
        let policy = try PolicyFiles.load(directory: URL(fileURLWithPath: directory))
        _ = try PolicySnapshot(bundle: policy.bundle)
        let actor = actor.name
        let comment = comment
        let yes = yes
        let previewOnly = preview
        try await withPostgres(try database.configuration()) { client in
            let publication = PolicyPublication(
                policies: PolicyStore(client: client), population: PopulationStore(client: client))
            let plan = try await publication.plan(publishing: policy.bundle)
            guard !plan.diff.isEmpty else {
                print("nothing to publish: \(directory) equals revision \(plan.current?.number ?? 0)")
                return
            }
            print("changes against revision \(plan.current.map { String($0.number) } ?? "none"):")
            for line in plan.diff.lines { print("  \(line)") }
            for line in plan.impact.lines() { print(line) }
            if previewOnly {
                print("preview only: nothing was published")
                return
            }
            try confirm("Publish revision \((plan.current?.number ?? 0) + 1)?", yes: yes)
            let revision = try await publication.publish(policy.bundle, planned: plan, actor: actor, comment: comment)
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
    @OptionGroup var remote: AdminServerOptions

    func run() async throws {
        let limit = limit
        let lines: [String]
        if let remote = try remote.client() {
            lines = try await remote.revisions(limit: limit).map {
                Self.line(
                    number: $0.number, at: $0.createdAt, by: $0.createdBy, rolledBackFrom: $0.rolledBackFrom,
                    comment: $0.comment)
            }
        } else {
            lines = try await withPostgres(try database.configuration()) { client in
                try await PolicyStore(client: client).revisions(limit: limit)
            }.map {
                Self.line(
                    number: $0.number, at: $0.createdAt, by: $0.createdBy, rolledBackFrom: $0.rolledBackFrom,
                    comment: $0.comment)
            }
        }
        if lines.isEmpty { print("no policy published yet") }
        for line in lines { print(line) }
    }

    static func line(number: Int64, at: Date, by: String, rolledBackFrom: Int64?, comment: String?) -> String {
        var line = "\(number)  \(at.formatted(.iso8601))  \(by)"
        if let from = rolledBackFrom { line += "  (rollback to \(from))" }
        if let comment { line += "  \(comment)" }
        return line
    }
}

/// `ringfence history`: every policy revision with what it changed (assignments field by
/// field, mappings, packs, repositories, MCP servers, floors, the rollout plan, exceptions,
/// holds, promotions), and what the rollout did, newest first; or one assignment's changes.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract:
            "Show every policy change with actor, comment, before and after, and the rollout's events, newest first.")

    @Option(help: "Only this assignment's changes.") var assignment: String?
    @Option(help: "How many revisions (or, with --assignment, changes).") var limit = 50
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let (assignment, limit) = (assignment, limit)
        if let assignment {
            let entries = try await withPostgres(try database.configuration()) { client in
                try await PolicyStore(client: client).history(assignment: assignment, limit: limit)
            }
            if entries.isEmpty { print("no history for assignment \(assignment)") }
            for entry in entries { for line in Self.lines(entry) { print(line) } }
            return
        }
        let (changes, events) = try await withPostgres(try database.configuration()) { client in
            (
                try await PolicyStore(client: client).changes(limit: limit),
                try await RolloutStore(client: client).events(limit: limit)
            )
        }
        if changes.isEmpty && events.isEmpty { print("no history") }
        for line in Self.timeline(changes: changes, events: events) { print(line) }
    }

    /// Revisions with their changes and the rollout events that made them, and the rollout
    /// events that published nothing, newest first.
    static func timeline(changes: [(revision: PolicyStore.Revision, diff: PolicyDiff)], events: [RolloutEvent])
        -> [String]
    {
        let shown = Set(changes.map(\.revision.number))
        var entries: [(at: Date, lines: [String])] = []
        for (revision, diff) in changes {
            var header =
                "revision \(revision.number)  \(revision.createdAt.formatted(.iso8601))  \(revision.createdBy)"
            if let comment = revision.comment { header += "  \"\(comment)\"" }
            let made = events.filter { $0.revision == revision.number }.map { "  rollout: \($0.headline)" }
            let lines = diff.isEmpty ? ["  (no change)"] : diff.lines.map { "  " + $0 }
            entries.append((revision.createdAt, [header] + lines + made))
        }
        for event in events where event.revision.map({ !shown.contains($0) }) ?? true {
            let revision = event.revision.map { "revision \($0)  " } ?? ""
            entries.append(
                (event.at, ["\(revision)\(event.at.formatted(.iso8601))  \(event.actor)  rollout: \(event.headline)"]))
        }
        return entries.sorted { $0.at > $1.at }.flatMap(\.lines)
    }

    /// One assignment change: added or removed with its fields, changed field by field.
    static func lines(_ entry: PolicyStore.HistoryEntry) -> [String] {
        let head =
            "revision \(entry.revision)  \(entry.at.formatted(.iso8601))  \(entry.actor)  \(entry.change) \(entry.assignment)"
        func fields(_ json: String?) -> [(String, String)]? {
            guard let json, let assignment = try? JSONDecoder().decode(Assignment.self, from: Data(json.utf8)) else {
                return nil
            }
            return ReadableFields.of(assignment)
        }
        switch (fields(entry.before), fields(entry.after)) {
        case (let before?, let after?):
            return [head] + ReadableFields.changes(before, after).map { "  \($0)" }
        case (nil, let after?):
            return [head] + after.map { "  \($0.0): \($0.1)" }
        case (let before?, nil):
            return [head] + before.map { "  was \($0.0): \($0.1)" }
        case (nil, nil):
            return [head]
        }
    }
}

/// `ringfence rollback --to REV`: publishes a new revision equal to an old one, after the
/// same diff and impact preview as `apply`.
struct RollbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Publish a new revision equal to an earlier one (history keeps both; evidence is never deleted)."
    )

    @Option(help: "The revision to return to.") var to: Int64
    @Option(help: "Why, recorded with the revision after 'rollback to revision N: '.") var comment: String?
    @Flag(help: "Roll back without asking.") var yes = false
    @Flag(help: "Show the diff and the impact on last week's users, hosts, repositories and events; publish nothing.")
    var preview = false
    @OptionGroup var actor: ActorOption
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var remote: AdminServerOptions

    func run() async throws {
        if let remote = try remote.client() {
            try actor.checkUnused()
            guard let comment else { throw ValidationError("--server needs --comment: the API records one") }
            let (answered, target) = (self.yes, to)
            try await remote.rollback(to: target, comment: comment, preview: preview) { next in
                try confirm("Publish revision \(next) equal to revision \(target)?", yes: answered)
            }
            return
        }
        let (target, actor, comment, yes, previewOnly) = (to, actor.name, comment, yes, preview)
        try await withPostgres(try database.configuration()) { client in
            let publication = PolicyPublication(
                policies: PolicyStore(client: client), population: PopulationStore(client: client))
            let plan = try await publication.plan(rollingBackTo: target)
            let current = plan.current?.number ?? 0
            print("rolling back from revision \(current) to the content of revision \(target):")
            for line in plan.diff.isEmpty ? ["(no difference)"] : plan.diff.lines { print("  \(line)") }
            for line in plan.impact.lines() { print(line) }
            if previewOnly {
                print("preview only: nothing was published")
                return
            }
            try confirm("Publish revision \(current + 1) equal to revision \(target)?", yes: yes)
            let revision = try await publication.rollback(to: target, planned: plan, actor: actor, comment: comment)
            print("published revision \(revision) (rollback to \(target))")
        }
    }
}
