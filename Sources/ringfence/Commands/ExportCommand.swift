import ArgumentParser
import Foundation
import RingfenceExport
import RingfenceStore

/// `ringfence export`: where each sink of the `exports:` section stands, and pushing the
/// backlog now (docs/exports.md).
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Audit events pushed to security tools (OTLP, Splunk HEC, OCSF): status, and a push now.",
        subcommands: [Status.self, Run.self]
    )

    /// The configuration's `exports:` section, or a usage error without one.
    static func exports(_ options: ConfigurationOptions) throws -> (ExportConfiguration, DatabaseConfiguration) {
        let file = try options.load()
        guard let exports = file.exports, !exports.sinks.isEmpty else {
            throw ValidationError("the configuration has no 'exports:' sinks (docs/exports.md)")
        }
        return (exports, try file.database ?? DatabaseOptions().configuration())
    }

    /// `export status`.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Each sink's cursor: events exported, the last one's receive time, and the backlog.")

        @OptionGroup var config: ConfigurationOptions

        func run() async throws {
            let (exports, database) = try ExportCommand.exports(config)
            let lag = exports.lagSeconds
            let lines = try await withPostgres(database) { client in
                let store = ExportStore(client: client)
                let cursors = try await store.cursors()
                var lines: [String] = []
                for sink in exports.sinks {
                    guard let cursor = cursors.first(where: { $0.sink == sink.name }) else {
                        lines.append(
                            "\(sink.name)  not started yet (starts from \(sink.fromBeginning ? "the beginning" : "when serve first runs it"))"
                        )
                        continue
                    }
                    let backlog = try await store.backlog(sink: sink.name, before: Date().addingTimeInterval(-lag))
                    lines.append(
                        "\(sink.name)  \(cursor.exported) exported; last received \(cursor.receivedAt.formatted(.iso8601)); backlog \(backlog); updated \(cursor.updatedAt.formatted(.iso8601))"
                    )
                }
                return lines
            }
            for line in lines { print(line) }
        }
    }

    /// `export run`.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Push every sink's backlog now, batch by batch; exit 1 if a receiver fails.")

        @OptionGroup var config: ConfigurationOptions

        func run() async throws {
            let (exports, database) = try ExportCommand.exports(config)
            let sent = try await withPostgres(database) { client in
                try await ExportService(store: ExportStore(client: client), configuration: exports).drain()
            }
            for (sink, count) in sent.sorted(by: { $0.key < $1.key }) { print("\(sink): sent \(count) event(s)") }
        }
    }
}
