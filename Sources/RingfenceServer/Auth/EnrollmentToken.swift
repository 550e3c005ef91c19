import Crypto
import Foundation
import RingfenceCore

/// A one-time enrolment token (`ringfence keys enrol-token`), traded by `Enroll` for a
/// host's API key. The text form is `rfe_<base64url of 32 random bytes>`; only its
/// SHA-256 is stored, so a database dump cannot enrol anything.
public struct EnrollmentToken: Sendable {
    /// The token as handed to the host. Never log it.
    public let text: String

    /// Makes a fresh random token.
    public static func generate() -> EnrollmentToken {
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return EnrollmentToken(text: "rfe_" + Data(secret).base64URLEncoded)
    }

    /// Parses a presented token; nil when it is not of the `rfe_<43 characters>` form.
    public init?(parsing text: String) {
        guard text.hasPrefix("rfe_"), text.utf8.count == 47,
            text.utf8.dropFirst(4).allSatisfy({ Self.base64URL.contains($0) })
        else { return nil }
        self.text = text
    }

    private init(text: String) {
        self.text = text
    }

    /// SHA-256 of the token, the only form stored.
    public var hash: [UInt8] { Array(SHA256.hash(data: Data(text.utf8))) }

    private static let base64URL = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
}
