import Foundation

/// Splits the bytes an SMTP server sends into replies (RFC 5321 §4.2): lines end with
/// CRLF; `250-…` lines continue a reply, the `250 …` (or bare `250`) line ends it. Pure:
/// the client feeds what it read and asks for complete replies.
struct SMTPReplyParser {
    /// The longest reply text kept waiting for its end.
    static let maxPending = 64 * 1_024

    private var pending = ""
    private var lines: [String] = []

    /// Adds received text.
    mutating func feed(_ text: String) {
        pending += text
    }

    /// The next complete reply — its code and its lines joined by ` / ` — or nil when more
    /// bytes are needed.
    mutating func next() throws(SMTPClient.SMTPError) -> (code: Int, text: String)? {
        while let range = pending.range(of: "\r\n") {
            let line = String(pending[..<range.lowerBound])
            pending.removeSubrange(..<range.upperBound)
            lines.append(line)
            let bytes = Array(line.utf8)
            guard bytes.count >= 3, bytes.prefix(3).allSatisfy({ (0x30...0x39).contains($0) }),
                let code = Int(String(decoding: bytes.prefix(3), as: UTF8.self))
            else { throw SMTPClient.SMTPError(step: "reply", reply: "not an SMTP reply line: '\(line.prefix(80))'") }
            if bytes.count == 3 || bytes[3] == UInt8(ascii: " ") {
                defer { lines.removeAll() }
                return (code, lines.joined(separator: " / "))
            }
            guard bytes[3] == UInt8(ascii: "-") else {
                throw SMTPClient.SMTPError(step: "reply", reply: "not an SMTP reply line: '\(line.prefix(80))'")
            }
        }
        guard pending.utf8.count + lines.reduce(0, { $0 + $1.utf8.count }) < Self.maxPending else {
            throw SMTPClient.SMTPError(step: "reply", reply: "reply too long")
        }
        return nil
    }
}
