import ArgumentParser
import Foundation
import RingfenceStore

/// `ringfence retention`: drops weekly audit-event partitions older than the kept weeks.
struct RetentionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract:
            "Drop whole weekly audit-event partitions older than the kept weeks (policy changes never delete events)."
    )

    @Option(help: "Weeks to keep, the current one included (default: retention.eventsWeeks of --config).") var weeks:
        Int?
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
        let databaseConfiguration =
            try database.url != nil ? database.configuration() : file?.database ?? database.configuration()
        let dryRun = dryRun
        let dropped = try await withPostgres(databaseConfiguration) { client in
            try await EventRetention(client: client).apply(keepWeeks: keep, dryRun: dryRun)
        }
        if dropped.isEmpty {
            print("nothing to drop: no event partition is older than \(keep) weeks")
        } else {
            print((dryRun ? "would drop " : "dropped ") + dropped.joined(separator: ", "))
        }
    }
}
