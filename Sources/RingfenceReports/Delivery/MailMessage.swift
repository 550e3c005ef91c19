import Foundation

/// One report mail: a text part (the Markdown) and an HTML part as `multipart/alternative`,
/// encoded for SMTP (CRLF lines, base64 bodies wrapped at 76 characters, RFC 2047 subject).
/// Pure: the SMTP client only sends `rendered`.
public struct MailMessage: Sendable, Equatable {
    public var from: String
    public var to: [String]
    public var subject: String
    public var text: String
    public var html: String
    public var date: Date
    public var messageID: String

    public init(
        from: String, to: [String], subject: String, text: String, html: String, date: Date = Date(),
        messageID: String = UUID().uuidString.lowercased()
    ) throws(AddressError) {
        for address in [from] + to where !Self.isPlainAddress(address) { throw AddressError(address: address) }
        guard !to.isEmpty else { throw AddressError(address: "") }
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.date = date
        self.messageID = messageID
    }

    /// A message whose HTML part is the text as is (`<pre>`, escaped): for notifications.
    public static func plain(from: String, to: [String], subject: String, text: String) throws -> MailMessage {
        let html =
            "<!doctype html><html><body><pre>"
            + text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;") + "</pre></body></html>"
        return try MailMessage(from: from, to: to, subject: subject, text: text, html: html)
    }

    /// How long an outbox waits before retrying a mail that failed `attempts` times: a
    /// minute, doubling, at most an hour.
    public static func retryDelay(attempts: Int) -> TimeInterval { min(3_600, 60 * pow(2, Double(min(attempts, 6)))) }

    /// An address that cannot smuggle headers or SMTP commands: `local@domain`, printable
    /// ASCII, no spaces, brackets, commas or line breaks.
    public static func isPlainAddress(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, address.utf8.count <= 254 else { return false }
        return address.unicodeScalars.allSatisfy {
            $0.value > 0x20 && $0.value < 0x7F && !"<>(),;:\\\"[]".unicodeScalars.contains($0)
        }
    }

    /// A refused address (empty: no recipient at all).
    public struct AddressError: Error, Sendable, Equatable, CustomStringConvertible {
        public var address: String
        public var description: String {
            address.isEmpty ? "no recipient" : "not a plain mail address: '\(address.prefix(80))'"
        }
    }

    /// The message as sent after DATA, lines ending in CRLF (not yet dot-stuffed).
    public var rendered: String {
        let boundary = "=_ringfence_" + messageID.replacingOccurrences(of: "-", with: "")
        let dateFormatter = DateFormatter()
        dateFormatter.locale = Locale(identifier: "en_US_POSIX")
        dateFormatter.timeZone = TimeZone(identifier: "UTC")
        dateFormatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        let domain = from.split(separator: "@").last.map(String.init) ?? "ringfence.invalid"
        var lines = [
            "From: \(from)",
            "To: \(to.joined(separator: ", "))",
            "Subject: \(Self.encodedWord(subject))",
            "Date: \(dateFormatter.string(from: date))",
            "Message-ID: <\(messageID)@\(domain)>",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative; boundary=\"\(boundary)\"",
            "",
            "This is a MIME message: a text and an HTML version of the same content.",
        ]
        for (type, body) in [("text/plain", text), ("text/html", html)] {
            lines += [
                "", "--\(boundary)", "Content-Type: \(type); charset=utf-8", "Content-Transfer-Encoding: base64", "",
            ]
            lines += Self.base64Lines(body)
        }
        lines += ["", "--\(boundary)--", ""]
        return lines.joined(separator: "\r\n")
    }

    /// RFC 2047 encoded-word for non-ASCII subjects; plain ASCII as is.
    static func encodedWord(_ text: String) -> String {
        let clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        guard !clean.unicodeScalars.allSatisfy({ $0.isASCII }) else { return clean }
        return "=?utf-8?B?" + Data(clean.utf8).base64EncodedString() + "?="
    }

    static func base64Lines(_ text: String) -> [String] {
        let encoded = Data(text.utf8).base64EncodedString()
        return stride(from: 0, to: encoded.count, by: 76).map { start in
            let from = encoded.index(encoded.startIndex, offsetBy: start)
            let to = encoded.index(from, offsetBy: min(76, encoded.count - start))
            return String(encoded[from..<to])
        }
    }
}
