import Foundation
import RingfenceTestSupport
import Testing

@testable import RingfenceReports

@Suite("Report mail")
struct MailMessageTests {
    @Test(
        "addresses that could inject headers or SMTP commands are refused",
        arguments: [
            "a@b\r\nBcc: x@y", "a b@c", "<a@b>", "a@b,c@d", "ab", "@b", "a@", "a@b>\r\nRCPT TO:<c@d",
        ])
    func refused(address: String) {
        #expect(throws: MailMessage.AddressError.self) {
            _ = try MailMessage(from: "ringfence@example.com", to: [address], subject: "s", text: "t", html: "h")
        }
    }

    @Test("the rendered mail has CRLF lines, an encoded subject and both parts in base64")
    func rendered() throws {
        let message = try MailMessage(
            from: "ringfence@example.com", to: ["lead@example.com"], subject: "Rapport — équipe",
            text: "line one\n.line two", html: "<p>é</p>", messageID: "m-1")
        let text = message.rendered
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(text.contains("Subject: =?utf-8?B?\(Data("Rapport — équipe".utf8).base64EncodedString())?=\r\n"))
        #expect(text.contains("Message-ID: <m-1@example.com>\r\n"))
        let parts = try Self.parts(text)
        #expect(parts["text/plain; charset=utf-8"] == "line one\n.line two")
        #expect(parts["text/html; charset=utf-8"] == "<p>é</p>")
        #expect(SMTPClient.dotStuffed(".a\r\nb\r\n..c\r\n") == "..a\r\nb\r\n...c\r\n")
    }

    @Test("owners get the report; without owners, the group's fallback addresses; else nobody")
    func recipients() {
        let delivery = ReportDelivery(
            smtp: SMTPClient(host: "127.0.0.1", port: 25), from: "r@example.com",
            fallbacks: ["eng": ["b@example.com", "a@example.com", "a@example.com"]])
        #expect(delivery.recipients(group: "eng", owners: ["o@example.com"]) == ["o@example.com"])
        #expect(delivery.recipients(group: "eng", owners: []) == ["a@example.com", "b@example.com"])
        #expect(delivery.recipients(group: "ops", owners: []).isEmpty)
    }

    /// Content type → decoded body of each part of a multipart mail.
    static func parts(_ mail: String) throws -> [String: String] {
        let normalized = mail.replacingOccurrences(of: "\r\n", with: "\n")
        guard let boundaryRange = normalized.range(of: "boundary=\""),
            let end = normalized[boundaryRange.upperBound...].firstIndex(of: "\"")
        else { throw CocoaError(.fileReadCorruptFile) }
        let boundary = String(normalized[boundaryRange.upperBound..<end])
        var result: [String: String] = [:]
        for section in normalized.components(separatedBy: "--\(boundary)").dropFirst() where !section.hasPrefix("--") {
            let pieces = section.components(separatedBy: "\n\n")
            guard pieces.count >= 2 else { continue }
            let headers = pieces[0]
            guard
                let typeLine = headers.split(separator: "\n").first(where: {
                    $0.lowercased().hasPrefix("content-type:")
                })
            else { continue }
            let type = typeLine.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces)
            let body = pieces.dropFirst().joined(separator: "\n\n").replacingOccurrences(of: "\n", with: "")
            guard let data = Data(base64Encoded: body) else { throw CocoaError(.fileReadCorruptFile) }
            result[type] = String(decoding: data, as: UTF8.self)
        }
        return result
    }
}

@Suite(
    "Report mail through a real SMTP server (aiosmtpd)",
    .enabled(if: TestMailRelay.enabled, TestMailRelay.skipMessage))
struct SMTPDeliveryTests {
    @Test("a report mail reaches the server with both parts intact and every recipient")
    func delivered() async throws {
        let (host, port, maildir) = try TestMailRelay.required()
        let id = UUID().uuidString.lowercased()
        let report = ReportHTMLTests.report(group: "payments-eng", example: ".dot at the start | pipe")
        let text = try ReportMarkdown.render(report)
        let html = try ReportHTML.render(report)
        let message = try MailMessage(
            from: "ringfence@example.com", to: ["lead@example.com", "deputy@example.com"],
            subject: "Ringfence 2026-W47: payments-eng", text: text, html: html, messageID: id)
        try await SMTPClient(host: host, port: port, timeout: TestMailRelay.sessionGuard).send(message)

        // aiosmtpd's Mailbox handler has stored the mail by the time it answered 250.
        let folder = URL(fileURLWithPath: maildir).appendingPathComponent("new")
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        let stored = try files.map { try String(contentsOf: $0, encoding: .utf8) }.filter {
            $0.contains("<\(id)@example.com>")
        }
        try #require(stored.count == 1, "the mail is stored once")
        let mail = stored[0]
        #expect(mail.contains("To: lead@example.com, deputy@example.com"))
        // The envelope, as the server saw it (aiosmtpd records it in X- headers).
        #expect(mail.contains("X-MailFrom: ringfence@example.com"))
        #expect(mail.contains("X-RcptTo: lead@example.com, deputy@example.com"))
        let parts = try MailMessageTests.parts(mail)
        #expect(parts["text/plain; charset=utf-8"] == text)
        #expect(parts["text/html; charset=utf-8"] == html)
    }

    @Test("a relay that is not there is a clear error naming it")
    func noRelay() async throws {
        let message = try MailMessage(from: "a@example.com", to: ["b@example.com"], subject: "s", text: "t", html: "h")
        do {
            try await SMTPClient(host: "127.0.0.1", port: 1, timeout: .seconds(60)).send(message)
            Issue.record("sent to a relay that is not there")
        } catch let error as SMTPClient.SMTPError {
            #expect(error.step == "connect")
            #expect(error.description.hasPrefix("SMTP connect: cannot reach the relay at 127.0.0.1:1: "), "\(error)")
        }
    }
}
