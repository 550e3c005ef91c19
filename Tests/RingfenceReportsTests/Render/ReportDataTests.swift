import Testing

@testable import RingfenceReports

@Suite("ReportData: CSV cells")
struct ReportDataTests {
    @Test(
        "a cell a spreadsheet would run as a formula is made text",
        arguments: [
            ("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\""),
            ("+1-555", "'+1-555"),
            ("-mcp", "'-mcp"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tcmd", "'\tcmd"),
            ("\rcmd", "\"'\rcmd\""),
        ])
    func formulas(cell: String, expected: String) {
        #expect(ReportData.field(cell) == expected)
    }

    @Test("plain texts and numbers are written as they are; RFC 4180 quoting still applies")
    func plain() {
        #expect(ReportData.field("github") == "github")
        #expect(ReportData.field("-3") == "-3")
        #expect(ReportData.field("1.5") == "1.5")
        #expect(ReportData.field("a,b") == "\"a,b\"")
        #expect(ReportData.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(ReportData.field("") == "")
    }
}
