import Foundation
import RingfenceCore

/// The archive of a group's past weeks (docs/reports.md, "The archive"): one page per
/// group, `<out>/archive/<group>.md` and `.html`, with a row per week written under `<out>`
/// — ring, members, members with no host, connected hosts, events, block candidates, what
/// the next ring would newly warn and block — newest first, linking each week's report.
/// Rebuilt from the JSON reports in the folder every time a report is written, so the
/// command and the schedule keep one archive and no database is needed to read it.
public enum ReportArchive {
    /// One week of the archive.
    public struct Entry: Sendable, Equatable {
        public var week: String
        public var ring: Int
        public var members: Int
        public var missingMembers: Int
        public var hostsConnected: Int
        public var events: Int
        public var blockCandidates: Int
        public var newlyWarned: Int?
        public var newlyBlocked: Int?
        /// The week's HTML report exists next to the JSON.
        public var hasHTML: Bool

        public init(_ report: GroupWeekReport, hasHTML: Bool) {
            week = report.week
            ring = report.ring
            members = report.coverage.members
            missingMembers = report.coverage.missingMembers
            hostsConnected = report.coverage.hostsConnected
            events = report.volume.total
            blockCandidates = report.volume.count(verdict: Verdict.blockCandidate.rawValue)
            newlyWarned = report.nextRing?.newlyWarned
            newlyBlocked = report.nextRing?.newlyBlocked
            self.hasHTML = hasHTML
        }
    }

    /// Reads every `<out>/<week>/<group>.json` and writes the group's archive pages;
    /// returns their paths. A week whose JSON does not read (written by another version,
    /// damaged) is left out and named in `skipped`.
    @discardableResult
    public static func update(out: URL, group: String) throws -> (written: [String], skipped: [String]) {
        let file = ReportWriter.fileName(group)
        let weeks = (try? FileManager.default.contentsOfDirectory(atPath: out.path)) ?? []
        var entries: [Entry] = []
        var skipped: [String] = []
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        for week in weeks where ISOWeek(week) != nil {
            let folder = out.appendingPathComponent(week)
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(file + ".json").path)
            else { continue }
            guard let report = try? decoder.decode(GroupWeekReport.self, from: data) else {
                skipped.append(week)
                continue
            }
            let html = FileManager.default.fileExists(atPath: folder.appendingPathComponent(file + ".html").path)
            entries.append(Entry(report, hasHTML: html))
        }
        entries.sort { $0.week > $1.week }
        let archive = out.appendingPathComponent("archive")
        try FileManager.default.createDirectory(at: archive, withIntermediateDirectories: true)
        let markdownFile = archive.appendingPathComponent(file + ".md")
        let htmlFile = archive.appendingPathComponent(file + ".html")
        try Data(markdown(group: group, entries).utf8).write(to: markdownFile, options: .atomic)
        try Data(html(group: group, entries).utf8).write(to: htmlFile, options: .atomic)
        return ([markdownFile.path, htmlFile.path], skipped)
    }

    static let columns = [
        "Week", "Ring", "Members", "No host", "Connected hosts", "Events", "Block candidates",
        "Next ring: newly warned", "Next ring: newly blocked",
    ]

    static func cells(_ entry: Entry) -> [String] {
        [
            entry.week, "\(entry.ring)", "\(entry.members)", "\(entry.missingMembers)", "\(entry.hostsConnected)",
            "\(entry.events)", "\(entry.blockCandidates)", entry.newlyWarned.map(String.init) ?? "–",
            entry.newlyBlocked.map(String.init) ?? "–",
        ]
    }

    /// The archive as Markdown: a table, newest week first, each week linking its report.
    public static func markdown(group: String, _ entries: [Entry]) -> String {
        var lines = [
            "# \(group): weekly reports", "", "\(entries.count) week(s), newest first.", "",
            "| " + columns.joined(separator: " | ") + " |",
            "|" + String(repeating: "---|", count: columns.count),
        ]
        for entry in entries {
            var row = cells(entry)
            row[0] = "[\(entry.week)](../\(entry.week)/\(ReportWriter.fileName(group)).md)"
            lines.append("| " + row.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The archive as a self-contained HTML page.
    public static func html(group: String, _ entries: [Entry]) -> String {
        let escape = ReportCharts.escape
        let file = ReportWriter.fileName(group)
        var rows = ""
        for entry in entries {
            var row = cells(entry).map { "<td>\(escape($0))</td>" }
            if entry.hasHTML {
                row[0] = "<td><a href=\"../\(escape(entry.week))/\(escape(file)).html\">\(escape(entry.week))</a></td>"
            }
            rows += "<tr>" + row.joined() + "</tr>\n"
        }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escape(group)): weekly reports</title>
            <style>body{font-family:system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:right}td:first-child,th:first-child{text-align:left}</style>
            </head><body>
            <h1>\(escape(group)): weekly reports</h1>
            <p>\(entries.count) week(s), newest first.</p>
            <table><thead><tr>\(columns.map { "<th scope=\"col\">\(escape($0))</th>" }.joined())</tr></thead>
            <tbody>
            \(rows)</tbody></table>
            </body></html>

            """
    }
}
