import ArgumentParser
import Foundation
import RingfenceCore
import RingfenceDirectory
import RingfenceStore

/// `ringfence sync`: one directory sync run.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Mirror users, groups, nested memberships and roles from LDAP into PostgreSQL.",
        discussion: """
            Without --full or --incremental, a run is incremental (users modified since the last successful run; \
            groups always in full) when an earlier run succeeded, full otherwise. Exit status: 0 applied or dry run, \
            3 refused by the deletion guard, 1 failed.
            """
    )

    @OptionGroup var config: ConfigurationOptions
    @Flag(help: "Read every user, and remove users that left the directory.") var full = false
    @Flag(help: "Read only users modified since the last successful run.") var incremental = false
    @Flag(name: .customLong("dry-run"), help: "Compute and print the changes; write nothing but the run record.")
    var dryRun = false
    @Flag(name: .customLong("allow-mass-delete"), help: "Apply even when the deletion guard objects.")
    var allowMassDelete = false

    func validate() throws {
        if full && incremental { throw ValidationError("--full and --incremental exclude each other") }
    }

    func run() async throws {
        let file = try config.load()
        guard let database = file.database else {
            throw ValidationError("no database: set database.url or RINGFENCE_DATABASE_URL")
        }
        guard let directory = file.directory else {
            throw ValidationError("the configuration has no 'directory' section")
        }
        let password = try directory.password()
        let options = SyncEngine.Options(
            mode: full ? .full : incremental ? .incremental : nil, dryRun: dryRun,
            allowMassDelete: allowMassDelete)
        let progress = ProgressPrinter()
        let outcome = try await withPostgres(database) { client in
            try await SyncEngine(configuration: directory, store: DirectoryStore(client: client), password: password)
                .run(options) { progress.report($0) }
        }
        progress.finish()
        print(Self.report(outcome))
        if outcome.status == .refused { throw ExitCode(3) }
    }

    static func format(_ duration: Duration) -> String {
        String(format: "%.1f", duration.seconds)
    }

    static func report(_ outcome: SyncEngine.Outcome) -> String {
        let s = outcome.summary
        var lines = [
            "sync run \(outcome.runID) (\(outcome.mode.rawValue)): \(outcome.status.rawValue.replacingOccurrences(of: "_", with: " ")) in \(format(outcome.elapsed)) s",
            "  users        +\(s.usersAdded)  ~\(s.usersUpdated)  -\(s.usersRemoved)   (\(s.usersBefore) → \(s.usersAfter))",
            "  groups       +\(s.groupsAdded)  ~\(s.groupsUpdated)  -\(s.groupsRemoved)   (\(s.groupsBefore) → \(s.groupsAfter))",
            "  memberships  +\(s.membershipsAdded)  -\(s.membershipsRemoved)   (\(s.membershipsBefore) → \(s.membershipsAfter); "
                + (s.effectiveMemberships.map { "\($0) effective)" } ?? "effective unchanged)"),
            "  roles        \(s.rolesChanged) changed",
            "  unresolved   \(s.membersUnresolved) member values matched no synced user or group",
            "  phases       " + outcome.phases.map { "\($0.name) \(format($0.duration)) s" }.joined(separator: ", "),
        ]
        if !outcome.membershipsByAttribute.isEmpty {
            lines.append(
                "  by attribute "
                    + outcome.membershipsByAttribute.sorted { $0.key < $1.key }.map {
                        "\($0.key) \($0.value)"
                    }.joined(separator: ", "))
        }
        if !outcome.rejected.isEmpty { lines.append("  rejected entries: \(outcome.rejected.count)") }
        if !outcome.violations.isEmpty {
            lines.append("refused by the deletion guard; nothing was changed:")
            lines += outcome.violations.map { "  - \($0)" }
            lines.append("check the base DNs and filters, or re-run with --allow-mass-delete if this is intended")
        }
        if !outcome.warnings.isEmpty {
            lines.append("warnings:")
            lines += outcome.warnings.map { "  - \($0)" }
        }
        return lines.joined(separator: "\n")
    }
}

/// Prints progress of long runs to standard error, at most once per 10,000 entries per phase.
final class ProgressPrinter: @unchecked Sendable {
    private let lock = NSLock()
    private var lastPrinted: [String: Int] = [:]
    private let interactive = isatty(STDERR_FILENO) != 0

    func report(_ progress: SyncEngine.Progress) {
        lock.withLock {
            switch progress {
            case .readingUsers(let count): emit("reading users", count)
            case .readingGroups(let count): emit("reading groups", count)
            case .comparing: emit("comparing with PostgreSQL", nil)
            case .applying: emit("applying changes", nil)
            }
        }
    }

    private func emit(_ phase: String, _ count: Int?) {
        if let count {
            guard count - lastPrinted[phase, default: -10_000] >= 10_000 else { return }
            lastPrinted[phase] = count
            FileHandle.standardError.write(Data("\(phase): \(count)\(interactive ? "\r" : "\n")".utf8))
        } else {
            FileHandle.standardError.write(Data("\(interactive ? "\n" : "")\(phase)…\n".utf8))
        }
    }

    func finish() {
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
