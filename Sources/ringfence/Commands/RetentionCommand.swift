import ArgumentParser
import Foundation
import RingfenceStore

/// `ringfence retention`: drops weekly audit-event partitions older than the kept weeks,
/// and daily event rollups older than their own kept weeks.
struct RetentionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract:
            "Drop whole weekly audit-event partitions older than the kept weeks (policy changes never delete events), and event rollups older than theirs."
    )

    @Option(help: "Weeks to keep, the current one included (default: retention.eventsWeeks of --config).") var weeks:
        Int?
    @Option(
        name: .customLong("rollup-weeks"),
        help: "Weeks of daily event rollups to keep, at least --weeks (default: retention.rollupWeeks; else all kept).")
    var rollupWeeks: Int?
    @Option(name: .customLong("config"), help: "Configuration file (for retention.eventsWeeks and database.url).")
    var config: String?
    @Flag(name: .customLong("dry-run"), help: "List what would be dropped.") var dryRun = false
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let file = try config.map { try ConfigurationFile.load(path: $0) }
        guard let keep = weeks ?? file?.eventsWeeks else {
            throw ValidationError("how many weeks to keep? pass --weeks N or set retention.eventsWeeks in --config")
        }
        guard keep >= 1 else { throw ValidationError("--weeks must be at least 1 (the current week)") }
        let keepRollups = rollupWeeks ?? file?.rollupWeeks
        if let keepRollups, keepRollups < keep {
            throw ValidationError(
                "rollups must outlive raw events: keep at least \(keep) weeks of rollups (--rollup-weeks), not \(keepRollups)"
            )
        }
        let databaseConfiguration =
            try database.url != nil ? database.configuration() : file?.database ?? database.configuration()
        let dryRun = dryRun
        let (dropped, rollups): ([String], (days: Int, rows: Int)?) = try await withPostgres(databaseConfiguration) {
            client in
            let retention = EventRetention(client: client)
            let dropped = try await retention.apply(keepWeeks: keep, dryRun: dryRun)
            guard let keepRollups else { return (dropped, nil) }
            return (dropped, try await retention.applyRollups(keepWeeks: keepRollups, dryRun: dryRun))
        }
        if dropped.isEmpty {
            print("nothing to drop: no event partition is older than \(keep) weeks")
        } else {
            print((dryRun ? "would drop " : "dropped ") + dropped.joined(separator: ", "))
        }
        if let keepRollups, let rollups {
            if rollups.days == 0 {
                print("no event rollups older than \(keepRollups) weeks")
            } else {
                print(
                    (dryRun ? "would delete " : "deleted ")
                        + "event rollups of \(rollups.days) days (\(rollups.rows) rows) older than \(keepRollups) weeks"
                )
            }
        }
    }
}
