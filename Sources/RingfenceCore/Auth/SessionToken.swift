import Crypto
import Foundation

/// A console session's secret, or its CSRF token: 256 random bits as base64url. Only the
/// SHA-256 of a session token is stored; presented tokens are compared in constant time.
public struct SessionToken: Sendable, Equatable {
    /// The token as the browser holds it. Never log it.
    public let text: String

    /// A fresh random token.
    public static func generate() -> SessionToken {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return SessionToken(text: Data(bytes).base64URLEncoded)
    }

    /// A presented token; nil when it is not of the generated form.
    public init?(presented text: String) {
        guard text.utf8.count == 43, Data(base64URLEncoded: text)?.count == 32 else { return nil }
        self.text = text
    }

    private init(text: String) { self.text = text }

    /// SHA-256 of the token, the only form stored.
    public var hash: [UInt8] { Array(SHA256.hash(data: Data(text.utf8))) }

    /// Whether `other` is the same token, compared in constant time.
    public func matches(_ other: String) -> Bool {
        APIKey.constantTimeEqual(Array(text.utf8), Array(other.utf8))
    }
}
