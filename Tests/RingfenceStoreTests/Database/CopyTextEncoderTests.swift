import PostgresNIO
import RingfenceTestSupport
import Testing

@testable import RingfenceStore

@Suite("CopyTextEncoder")
struct CopyTextEncoderTests {
    /// Values that COPY's text format must escape, and arrays that need PostgreSQL's quoting.
    static let awkward = [
        "plain", "tab\there", "line\nbreak", "cr\rhere", "back\\slash", "\\N", "quote\"s", "", "ünïcødé 🙂",
    ]

    @Test("fields are tab-separated, rows end with a newline, NULL is \\N, escapes as COPY text wants")
    func text() {
        var encoder = CopyTextEncoder()
        encoder.field("a\tb")
        encoder.field(nil as String?)
        encoder.field(Int64(-7))
        encoder.field(true)
        encoder.endRowSync()
        encoder.field("back\\slash\nnext")
        encoder.field(array: ["x", "y,z", "q\"t", "b\\s"])
        encoder.endRowSync()
        #expect(
            encoder.text == "a\\tb\t\\N\t-7\tt\nback\\\\slash\\nnext\t{\"x\",\"y,z\",\"q\\\\\"t\",\"b\\\\\\\\s\"}\n")
    }

    @Test(
        "what is encoded comes back from PostgreSQL exactly, text and arrays",
        .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
    func roundTrip() async throws {
        try await TestServers.withTemporaryDatabase { client, _ in
            try await client.query("CREATE TABLE copied (n bigint, value text, list text[], flag boolean)")
            let values = Self.awkward
            try await client.withConnection { connection in
                try await connection.copyRows(
                    into: "copied", columns: ["n", "value", "list", "flag"], Array(values.enumerated()),
                    logger: Logger(label: "test")
                ) { encoder, item in
                    encoder.field(Int64(item.offset))
                    encoder.field(item.element)
                    encoder.field(array: [item.element, "{braces}", "comma,", item.element])
                    encoder.field(item.offset % 2 == 0)
                }
                try await connection.copyRows(
                    into: "copied", columns: ["n", "value"], [values.count], logger: Logger(label: "test")
                ) {
                    encoder, n in
                    encoder.field(Int64(n))
                    encoder.field(nil as String?)
                }
            }
            let rows = try await client.query("SELECT n, value, list, flag FROM copied ORDER BY n")
            var seen = 0
            for try await (n, value, list, flag) in rows.decode((Int64, String?, [String]?, Bool?).self) {
                if Int(n) < values.count {
                    #expect(value == values[Int(n)])
                    #expect(list == [values[Int(n)], "{braces}", "comma,", values[Int(n)]])
                    #expect(flag == (n % 2 == 0))
                } else {
                    #expect(value == nil && list == nil && flag == nil)
                }
                seen += 1
            }
            #expect(seen == values.count + 1)
        }
    }
}
