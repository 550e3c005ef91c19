import Foundation
import NIOCore
import NIOPosix

/// A minimal SMTP client (RFC 5321) for handing report mails to a relay: EHLO, MAIL FROM,
/// RCPT TO, DATA (dot-stuffed), QUIT, each reply checked. Plain TCP to a relay the operator
/// runs (typically on localhost); STARTTLS and AUTH are not supported yet.
public struct SMTPClient: Sendable {
    public var host: String
    public var port: Int
    public var heloName: String
    /// Longest time for a whole session.
    public var timeout: Duration

    public init(host: String, port: Int, heloName: String = "ringfence", timeout: Duration = .seconds(30)) {
        self.host = host
        self.port = port
        self.heloName = heloName
        self.timeout = timeout
    }

    /// A reply the relay gave that was not the expected one.
    public struct SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
        public var step: String
        public var reply: String
        public var description: String { "SMTP \(step): \(reply)" }
    }

    /// Sends one message; the whole session must finish within `timeout`.
    public func send(_ message: MailMessage) async throws {
        let timeout = self.timeout
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.session(message) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw SMTPError(step: "session", reply: "not finished within \(timeout)")
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }

    private func session(_ message: MailMessage) async throws {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(10))
                .connect(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw SMTPError(step: "connect", reply: "cannot reach the relay at \(host):\(port): \(error)")
        }
        let heloName = self.heloName
        try await channel.executeThenClose { inbound, outbound in
            var replies = ReplyReader(iterator: inbound.makeAsyncIterator())
            func step(_ name: String, _ command: String?, expect codes: Set<Int>) async throws {
                if let command { try await outbound.write(ByteBuffer(string: command + "\r\n")) }
                let (code, text) = try await replies.next()
                guard codes.contains(code) else { throw SMTPError(step: name, reply: text) }
            }
            try await step("greeting", nil, expect: [220])
            try await step("EHLO", "EHLO \(heloName)", expect: [250])
            try await step("MAIL FROM", "MAIL FROM:<\(message.from)>", expect: [250])
            for recipient in message.to {
                try await step("RCPT TO \(recipient)", "RCPT TO:<\(recipient)>", expect: [250, 251])
            }
            try await step("DATA", "DATA", expect: [354])
            try await outbound.write(ByteBuffer(string: Self.dotStuffed(message.rendered) + ".\r\n"))
            try await step("message", nil, expect: [250])
            try await step("QUIT", "QUIT", expect: [221])
        }
    }

    /// Lines starting with "." get another "." (RFC 5321 §4.5.2); the text ends with CRLF.
    static func dotStuffed(_ text: String) -> String {
        var lines = text.components(separatedBy: "\r\n")
        if lines.last == "" { lines.removeLast() }
        return lines.map { $0.hasPrefix(".") ? "." + $0 : $0 }.joined(separator: "\r\n") + "\r\n"
    }

    /// Reads whole replies from the connection (`SMTPReplyParser`).
    struct ReplyReader {
        var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        var parser = SMTPReplyParser()

        mutating func next() async throws -> (Int, String) {
            while true {
                if let reply = try parser.next() { return reply }
                guard let buffer = try await iterator.next() else {
                    throw SMTPError(step: "reply", reply: "connection closed")
                }
                parser.feed(String(buffer: buffer))
            }
        }
    }
}
