import ArgumentParser
import Foundation
import RingfenceCore
import RingfenceReports
import RingfenceStore

/// `ringfence report`: the weekly enforcement-impact report of directory groups, written
/// as Markdown, HTML, JSON and CSV files into `--out DIR/<week>/`.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the weekly enforcement-impact report of directory groups (Markdown, HTML, JSON, CSV).")

    @Option(help: "ISO week, e.g. 2026-W47 (default: the last complete week).")
    var week: String?
    @Option(help: "A directory group; repeat for several.")
    var group: [String] = []
    @Flag(help: "Every group the policy in force maps to a ring.")
    var allGroups = false
    @Flag(
        help: ArgumentHelp(
            "Also record each report in PostgreSQL, as serve's schedule does.",
            discussion:
                "The console's group pages show recorded weeks; the schedule then counts the group's week as done."
        ))
    var record = false
    @Option(help: "Folder to write into; files go to <out>/<week>/<group>.<format>.")
    var out: String
    @Option(help: "Comma-separated formats: md, html, json, csv.")
    var format: String = "md,html,json,csv"
    @Option(name: .customLong("stale-after"), help: "A host without a heartbeat for this long is stale: 30m, 24h, 7d.")
    var staleAfter: TimeSpan = TimeSpan(seconds: 86_400)
    @Flag(help: "Also mail each group's report (text and HTML) to the group's owners.")
    var mail = false
    @Option(help: "SMTP relay for --mail, host:port.")
    var smtp: String = "127.0.0.1:25"
    @Option(help: "Sender address for --mail.")
    var from: String?
    @Option(
        name: .customLong("fallback-recipient"),
        help: "GROUP=ADDRESS: who gets GROUP's report when no owner has an address; repeat.")
    var fallbackRecipients: [String] = []
    @Flag(help: "With --mail: print who would get which report, send nothing.")
    var dryRun = false
    @OptionGroup var database: DatabaseOptions

    static let formats = ReportWriter.formats

    func validate() throws {
        if week.map(ISOWeek.init) == .some(nil) {
            throw ValidationError("--week: expected an ISO week like 2026-W47, got '\(week ?? "")'")
        }
        if group.isEmpty == !allGroups { throw ValidationError("give --group G (one or more) or --all-groups") }
        if mail {
            guard let from, MailMessage.isPlainAddress(from) else {
                throw ValidationError("--mail needs --from ADDRESS (a plain local@domain)")
            }
            _ = try delivery()
        } else if dryRun {
            throw ValidationError("--dry-run goes with --mail")
        }
        let unknown = requestedFormats.filter { !Self.formats.contains($0) }
        if !unknown.isEmpty || requestedFormats.isEmpty {
            throw ValidationError("--format: expected some of \(Self.formats.joined(separator: ", ")), got '\(format)'")
        }
    }

    func smtpAddress() throws -> (String, Int) {
        let (host, port) = try HostPort.flag(smtp, "--smtp")
        guard port > 0 else { throw ValidationError("--smtp: expected host:port, got '\(smtp)'") }
        return (host, port)
    }

    /// How reports are mailed; nil without --mail.
    func delivery() throws -> ReportDelivery? {
        guard mail else { return nil }
        let (host, port) = try smtpAddress()
        return ReportDelivery(
            smtp: SMTPClient(host: host, port: port), from: from ?? "", fallbacks: try fallbacks(), dryRun: dryRun)
    }

    func fallbacks() throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        for entry in fallbackRecipients {
            guard let equals = entry.firstIndex(of: "="),
                MailMessage.isPlainAddress(String(entry[entry.index(after: equals)...]))
            else {
                throw ValidationError("--fallback-recipient: expected GROUP=ADDRESS, got '\(entry)'")
            }
            result[String(entry[..<equals]), default: []].append(String(entry[entry.index(after: equals)...]))
        }
        return result
    }

    var requestedFormats: [String] {
        format.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    }

    func run() async throws {
        let week = self.week.flatMap(ISOWeek.init) ?? ISOWeek(containing: Date()).previous
        let formats = requestedFormats
        let folder = URL(fileURLWithPath: out).appendingPathComponent(week.description)
        let (explicit, all, staleAfter, record) = (group, allGroups, self.staleAfter.seconds, self.record)
        let delivery = try self.delivery()
        let written = try await withPostgres(try database.configuration()) { client in
            var groups = explicit
            if all {
                guard let mapped = try await ReportBuilder.mappedGroups(week: week, client: client) else {
                    throw ValidationError("no policy revision was published by the end of \(week)")
                }
                groups = mapped
            }
            let builder = ReportBuilder(client: client, staleAfter: staleAfter)
            var written: [String] = []
            let results = try await builder.build(groups: groups, week: week)
            for (index, (name, result)) in results.enumerated() {
                let report: GroupWeekReport
                switch result {
                case .success(let built):
                    report = built
                case .failure(let error):
                    // A group named on the command line must exist; a mapped one may not be in this directory.
                    if !all { throw ValidationError("\(error)") }
                    FileHandle.standardError.write(
                        Data("[\(index + 1)/\(groups.count)] \(name): skipped: \(error)\n".utf8))
                    continue
                }
                written += try ReportWriter.write(report, formats: formats, into: folder)
                if record {
                    try await ReportRecords(client: client).record(report, formats: formats, location: folder.path)
                }
                if formats.contains("json") {
                    let archive = try ReportArchive.update(out: folder.deletingLastPathComponent(), group: name)
                    written += archive.written
                    for week in archive.skipped {
                        FileHandle.standardError.write(
                            Data("  archive: \(week)'s JSON report does not read; left out\n".utf8))
                    }
                }
                FileHandle.standardError.write(
                    Data("[\(index + 1)/\(groups.count)] \(name): \(report.volume.total) events\n".utf8))
                if let delivery {
                    let outcome = try await delivery.deliver(report, ownersFrom: ReportQueries(client: client))
                    FileHandle.standardError.write(Data("  \(outcome)\n".utf8))
                }
            }
            return written
        }
        for path in written { print(path) }
    }
}
