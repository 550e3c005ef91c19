import ArgumentParser
import Foundation
import RingfenceDirectory
import RingfenceReports
import RingfenceServer
import RingfenceStore
import Yams

/// The configuration file (`--config FILE` or `$RINGFENCE_CONFIG`): one YAML file with a
/// section per concern, plus environment overrides. Every key is documented in
/// docs/configuration.md; unknown keys are errors.
struct ConfigurationFile {
    static let sections = ["database", "directory", "retention", "server", "reports"]

    var database: DatabaseConfiguration?
    var directory: DirectoryConfiguration?
    /// Weeks of audit events to keep (`retention.eventsWeeks`).
    var eventsWeeks: Int?
    /// The weekly reports of `serve` (`reports:`); none when the section is absent.
    var reports: ReportScheduleService.Configuration?
    /// The agent service (`server:`); defaults when the section is absent.
    var server = AgentServerConfiguration()

    /// Reads and validates a file; environment variables override what it says.
    static func load(path: String, environment: [String: String] = EnvironmentReader.current) throws -> ConfigurationFile {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ValidationError("cannot read the configuration file \(path)")
        }
        return try parse(text, file: path, environment: environment)
    }

    static func parse(_ text: String, file: String, environment: [String: String]) throws -> ConfigurationFile {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else { throw ValidationError("\(file): the file is empty") }
            root = node
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("\(file): not valid YAML: \(error)")
        }
        guard let mapping = root.mapping else { throw ValidationError("\(file): expected sections \(sections.joined(separator: ", "))") }
        var result = ConfigurationFile()
        for (key, value) in mapping {
            let name = key.scalar?.string ?? "?"
            switch name {
            case "database":
                var url = value.mapping?["url"]?.scalar?.string
                if let override = environment["RINGFENCE_DATABASE_URL"] { url = override }
                if let extra = value.mapping?.keys.compactMap(\.scalar?.string).filter({ $0 != "url" }), !extra.isEmpty {
                    throw ValidationError("\(file): database: unknown key '\(extra[0])' (allowed: url)")
                }
                if let url { result.database = try DatabaseConfiguration(url: url) }
            case "directory":
                var node = value
                if let override = environment["RINGFENCE_LDAP_URL"] { node.mapping?["url"] = Node(override) }
                let yaml = try Yams.serialize(node: node)
                do {
                    result.directory = try DirectoryConfiguration.decode(yaml: yaml)
                } catch {
                    throw ValidationError("\(file): \(error)")
                }
            case "retention":
                for (retentionKey, retentionValue) in value.mapping ?? [:] {
                    guard retentionKey.scalar?.string == "eventsWeeks" else {
                        throw ValidationError("\(file): retention: unknown key '\(retentionKey.scalar?.string ?? "?")' (allowed: eventsWeeks)")
                    }
                    guard let weeks = retentionValue.scalar.flatMap({ Int($0.string) }), weeks >= 1 else {
                        throw ValidationError("\(file): retention.eventsWeeks: expected a whole number of weeks, at least 1")
                    }
                    result.eventsWeeks = weeks
                }
            case "server":
                result.server = try ServerSection.parse(value, file: file)
            case "reports":
                result.reports = try ReportsSection.parse(value, file: file)
            default:
                throw ValidationError("\(file): unknown section '\(name)' (allowed: \(sections.joined(separator: ", ")))")
            }
        }
        if let listen = environment["RINGFENCE_LISTEN"] {
            (result.server.host, result.server.port) = try ServerSection.address(listen, key: "RINGFENCE_LISTEN")
        }
        if let metrics = environment["RINGFENCE_METRICS_LISTEN"] {
            if metrics == "off" {
                result.server.metricsPort = nil
            } else {
                let (host, port) = try ServerSection.address(metrics, key: "RINGFENCE_METRICS_LISTEN")
                (result.server.metricsHost, result.server.metricsPort) = (host, port)
            }
        }
        let problems = result.server.problems()
        if !problems.isEmpty { throw ValidationError("\(file): " + problems.joined(separator: "; ")) }
        if result.database == nil, let url = environment["RINGFENCE_DATABASE_URL"] {
            result.database = try DatabaseConfiguration(url: url)
        }
        return result
    }
}

/// `--config FILE`, defaulting to `$RINGFENCE_CONFIG`.
struct ConfigurationOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: ArgumentHelp("Configuration file (YAML).", discussion: "Defaults to $RINGFENCE_CONFIG."))
    var path: String?

    func load(environment: [String: String] = EnvironmentReader.current) throws -> ConfigurationFile {
        guard let path = path ?? environment["RINGFENCE_CONFIG"] else {
            // Without a file, the environment alone can configure a server (no directory sync).
            if environment["RINGFENCE_DATABASE_URL"] != nil {
                return try ConfigurationFile.parse("{}", file: "(environment)", environment: environment)
            }
            throw ValidationError("no configuration: pass --config FILE, set RINGFENCE_CONFIG, or set RINGFENCE_DATABASE_URL (see docs/configuration.md)")
        }
        return try ConfigurationFile.load(path: path, environment: environment)
    }
}
