import Foundation
import RingfenceCore
import Testing

@testable import RingfenceReports

/// The archive page of a group, rebuilt from the JSON reports written under the folder.
@Suite("ReportArchive")
struct ReportArchiveTests {
    @Test("one row per week written, newest first, with the week's numbers and a link to its report")
    func weeks() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("rf-archive-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        var report = ReportHTMLTests.report(group: "eng & ops", example: "rm -rf build")
        for (week, members, ring) in [("2026-W45", 3, 2), ("2026-W47", 4, 2), ("2026-W46", 5, 3)] {
            report.week = week
            report.coverage.members = members
            report.ring = ring
            let formats = week == "2026-W46" ? ["json"] : ["json", "html"]
            _ = try ReportWriter.write(report, formats: formats, into: out.appendingPathComponent(week))
        }
        // A damaged week, another group's report and a folder that is not a week are left out.
        try FileManager.default.createDirectory(
            at: out.appendingPathComponent("2026-W44"), withIntermediateDirectories: true)
        try Data("{".utf8).write(to: out.appendingPathComponent("2026-W44/eng___ops.json"))
        try FileManager.default.createDirectory(
            at: out.appendingPathComponent("drafts"), withIntermediateDirectories: true)
        try ReportData.json(report).write(to: out.appendingPathComponent("drafts/eng___ops.json"))
        var other = report
        other.group = "web"
        _ = try ReportWriter.write(other, formats: ["json"], into: out.appendingPathComponent("2026-W48"))

        let (written, skipped) = try ReportArchive.update(out: out, group: "eng & ops")
        #expect(skipped == ["2026-W44"])
        #expect(written.map { URL(fileURLWithPath: $0).lastPathComponent } == ["eng___ops.md", "eng___ops.html"])
        let markdown = try String(contentsOfFile: written[0], encoding: .utf8)
        let rows = markdown.split(separator: "\n").filter { $0.hasPrefix("| [") }
        #expect(
            rows == [
                "| [2026-W47](../2026-W47/eng___ops.md) | 2 | 4 | 1 | 2 | 7 | 2 | – | – |",
                "| [2026-W46](../2026-W46/eng___ops.md) | 3 | 5 | 1 | 2 | 7 | 2 | – | – |",
                "| [2026-W45](../2026-W45/eng___ops.md) | 2 | 3 | 1 | 2 | 7 | 2 | – | – |",
            ])
        let html = try String(contentsOfFile: written[1], encoding: .utf8)
        #expect(html.contains("<title>eng &amp; ops: weekly reports</title>"))
        #expect(html.contains(#"<a href="../2026-W47/eng___ops.html">2026-W47</a>"#))
        #expect(!html.contains(#"href="../2026-W46"#), "no HTML report that week: no link")
        #expect(html.components(separatedBy: "<tr>").count - 1 == 4, "a header and three weeks")
    }
}
