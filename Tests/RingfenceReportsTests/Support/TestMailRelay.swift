import Foundation
import RingfenceTestSupport
import Testing

/// The SMTP test server `scripts/test` starts (aiosmtpd with its Mailbox handler): where it
/// listens (`RINGFENCE_TEST_SMTP`) and the maildir it stores each mail in
/// (`RINGFENCE_TEST_MAILDIR`). Mail tests run when it is there, and always in CI.
enum TestMailRelay {
    /// Whether the mail tests run.
    static let enabled = ProcessInfo.processInfo.environment["RINGFENCE_TEST_SMTP"] != nil || TestServers.isCI
    /// The SMTP session timeout of the tests: a guard against a hang, not a budget. The
    /// client's 30 s default failed a CI run on two busy cores (aiosmtpd is Python, and two
    /// full runs shared the machine).
    static let sessionGuard: Duration = .seconds(300)
    /// Why they do not.
    static let skipMessage: Comment = "set RINGFENCE_TEST_SMTP and RINGFENCE_TEST_MAILDIR (scripts/test does) to run"

    /// The server's host and port and its maildir; fails the test when they are not set.
    static func required() throws -> (host: String, port: Int, maildir: String) {
        let environment = ProcessInfo.processInfo.environment
        let address = try #require(environment["RINGFENCE_TEST_SMTP"], "RINGFENCE_TEST_SMTP is not set")
        let maildir = try #require(environment["RINGFENCE_TEST_MAILDIR"], "RINGFENCE_TEST_MAILDIR is not set")
        let parts = address.split(separator: ":")
        let port = try #require(parts.count == 2 ? Int(parts[1]) : nil, "RINGFENCE_TEST_SMTP is not host:port")
        return (String(parts[0]), port, maildir)
    }
}
