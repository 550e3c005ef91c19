import ArgumentParser
import Foundation
import RingfenceDirectory
import RingfenceExport
import RingfenceFiles
import RingfenceHTTP
import RingfenceReports
import RingfenceServer
import RingfenceStore

/// The configuration file (`--config FILE` or `$RINGFENCE_CONFIG`): one YAML file with a
/// section per concern, plus environment overrides. Every key is documented in
/// docs/configuration.md; unknown keys are errors.
struct ConfigurationFile {
    static let sections = [
        "database", "directory", "retention", "server", "reports", "scim", "exceptions", "rollout", "exports", "admin",
    ]

    var database: DatabaseConfiguration?
    var directory: DirectoryConfiguration?
    /// Weeks of audit events to keep (`retention.eventsWeeks`).
    var eventsWeeks: Int?
    /// Weeks of daily event rollups to keep (`retention.rollupWeeks`); nil keeps them all.
    var rollupWeeks: Int?
    /// The weekly reports of `serve` (`reports:`); none when the section is absent.
    var reports: ReportScheduleService.Configuration?
    /// The agent service (`server:`); defaults when the section is absent.
    var server = AgentServerConfiguration()
    /// The SCIM listener of `serve` (`scim:`); none when the section is absent.
    var scim: ScimServer.Configuration?
    /// The admin API listener of `serve` (`admin:`); none when the section is absent.
    var admin: AdminServer.Configuration?
    /// Exception approvers and mail (`exceptions:`).
    var exceptions: ExceptionsSection.Settings?
    /// The rollout service's round interval and mail (`rollout:`); defaults when absent.
    var rollout = RolloutSection.Settings()
    /// The receivers audit events are pushed to (`exports:`); none when the section is absent.
    var exports: ExportConfiguration?

    /// Reads and validates a file; environment variables override what it says.
    static func load(path: String, environment: [String: String] = EnvironmentReader.current) throws
        -> ConfigurationFile
    {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason =
                FileManager.default.fileExists(atPath: path) ? "cannot be read (permission denied?)" : "does not exist"
            throw ConfigurationError([
                FileProblem(file: path, line: 0, path: "", message: "the configuration file \(reason)")
            ])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError([FileProblem(file: path, line: 0, path: "", message: "not UTF-8 text")])
        }
        return try parse(text, file: path, environment: environment)
    }

    /// Reads a configuration from its text: every section with the strict reader, every
    /// problem of the whole file reported at once (`ConfigurationError`).
    static func parse(_ text: String, file: String, environment: [String: String]) throws(ConfigurationError)
        -> ConfigurationFile
    {
        let document = ConfigurationDocument(text: text, file: file, allowed: sections, environment: environment)
        var result = ConfigurationFile()
        if let database = document.sections["database"]?.mapping(allowed: ["url"]), let url = database["url"] {
            if let text = url.nonEmptyString() {
                do {
                    result.database = try DatabaseConfiguration(url: text)
                } catch {
                    url.fail(error.message)
                }
            }
        }
        if let directory = document.sections["directory"] { result.directory = DirectoryConfiguration.read(directory) }
        if let retention = document.sections["retention"]?.mapping(allowed: ["eventsWeeks", "rollupWeeks"]) {
            result.eventsWeeks = retention["eventsWeeks"]?.int(in: 1...520)
            if let value = retention["rollupWeeks"], let weeks = value.int(in: 1...1040) {
                // Reports of a week read its rollups: dropping them before its raw events
                // would leave kept events that no report counts.
                if let events = result.eventsWeeks, weeks < events {
                    value.fail(
                        "\(weeks) is less than retention.eventsWeeks (\(events)); rollups must outlive raw events")
                } else {
                    result.rollupWeeks = weeks
                }
            }
        }
        result.server = ServerSection.read(document.sections["server"], document: document)
        if let reports = document.sections["reports"] { result.reports = ReportsSection.read(reports) }
        if let scim = document.sections["scim"] { result.scim = ScimSection.read(scim) }
        if let admin = document.sections["admin"] { result.admin = AdminSection.read(admin, environment: environment) }
        if let exceptions = document.sections["exceptions"] { result.exceptions = ExceptionsSection.read(exceptions) }
        if let rollout = document.sections["rollout"], let settings = RolloutSection.read(rollout) {
            result.rollout = settings
        }
        if let exports = document.sections["exports"] {
            result.exports = ExportsSection.read(exports, environment: environment)
        }
        try document.check()
        return result
    }
}

/// `--config FILE`, defaulting to `$RINGFENCE_CONFIG`.
struct ConfigurationOptions: ParsableArguments {
    @Option(
        name: .customLong("config"),
        help: ArgumentHelp("Configuration file (YAML).", discussion: "Defaults to $RINGFENCE_CONFIG."))
    var path: String?

    func load(environment: [String: String] = EnvironmentReader.current) throws -> ConfigurationFile {
        guard let path = path ?? environment["RINGFENCE_CONFIG"] else {
            // Without a file, the environment alone can configure a server (no directory sync).
            if environment["RINGFENCE_DATABASE_URL"] != nil {
                return try ConfigurationFile.parse("", file: "(environment)", environment: environment)
            }
            throw ValidationError(
                "no configuration: pass --config FILE, set RINGFENCE_CONFIG, or set RINGFENCE_DATABASE_URL (see docs/configuration.md)"
            )
        }
        return try ConfigurationFile.load(path: path, environment: environment)
    }
}
