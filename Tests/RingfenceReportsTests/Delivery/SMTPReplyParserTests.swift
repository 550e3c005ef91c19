import Testing

@testable import RingfenceReports

@Suite("SMTPReplyParser")
struct SMTPReplyParserTests {
    @Test("one-line and multi-line replies, split anywhere across reads")
    func replies() throws {
        let stream = "220 relay ready\r\n250-relay greets ringfence\r\n250-SIZE 10240000\r\n250 HELP\r\n354\r\n"
        // Every split point gives the same replies.
        for cut in 0...stream.count {
            var parser = SMTPReplyParser()
            var replies: [String] = []
            for part in [String(stream.prefix(cut)), String(stream.dropFirst(cut))] {
                parser.feed(part)
                while let reply = try parser.next() { replies.append("\(reply.code) \(reply.text)") }
            }
            #expect(
                replies == [
                    "220 220 relay ready", "250 250-relay greets ringfence / 250-SIZE 10240000 / 250 HELP", "354 354",
                ], "cut at \(cut)")
        }
    }

    @Test("a partial line waits for more bytes")
    func partial() throws {
        var parser = SMTPReplyParser()
        parser.feed("250-first\r\n250 sec")
        #expect(try parser.next() == nil)
        parser.feed("ond\r\n")
        #expect(try parser.next()?.text == "250-first / 250 second")
    }

    @Test("lines that are not replies, and endless replies, are errors")
    func malformed() {
        for text in ["hello\r\n", "25\r\n", "2x0 no\r\n", "250?what\r\n"] {
            var parser = SMTPReplyParser()
            parser.feed(text)
            #expect(throws: SMTPClient.SMTPError.self, "\(text)") { try parser.next() }
        }
        var parser = SMTPReplyParser()
        parser.feed(String(repeating: "250-more\r\n", count: 10_000))
        #expect(throws: SMTPClient.SMTPError(step: "reply", reply: "reply too long")) { try parser.next() }
    }
}
