import RingfenceReports
import Testing

@testable import ringfence

@Suite("ReportsSection")
struct ReportsSectionTests {
    @Test("the reports section is read, mail included")
    func reads() throws {
        let file = try ConfigurationFile.parse(
            """
            reports:
              out: /var/lib/ringfence/reports
              formats: [html, json]
              weekday: tuesday
              hour: 7
              mail:
                smtp: 127.0.0.1:2525
                from: ringfence@example.com
                fallbackRecipients: { payments-eng: [lead@example.com], ops: ops@example.com }
            """, file: "f", environment: [:])
        let reports = try #require(file.reports)
        #expect(reports.out == "/var/lib/ringfence/reports")
        #expect(reports.formats == ["html", "json"])
        #expect(reports.schedule == ReportSchedule(weekday: 2, hour: 7))
        #expect(reports.delivery?.smtp.port == 2525)
        #expect(reports.delivery?.fallbacks == ["payments-eng": ["lead@example.com"], "ops": ["ops@example.com"]])
    }

    @Test(
        "bad values are refused with the key they belong to",
        arguments: [
            ("reports:\n  formats: [md]\n", "reports.out"),
            ("reports:\n  out: r\n  formats: [pdf]\n", "reports.formats"),
            ("reports:\n  out: r\n  weekday: someday\n", "reports.weekday"),
            ("reports:\n  out: r\n  hour: 24\n", "reports.hour"),
            ("reports:\n  out: r\n  mail: { smtp: 127.0.0.1:25 }\n", "reports.mail.from"),
            (
                "reports:\n  out: r\n  mail: { from: a@b, fallbackRecipients: { g: [\"x\\r\\nBcc: y@z\"] } }\n",
                "fallbackRecipients"
            ),
            ("reports:\n  out: r\n  colour: blue\n", "unknown key 'colour'"),
        ])
    func refused(yaml: String, words: String) {
        expectConfigurationRefused(yaml, mentioning: words)
    }
}
