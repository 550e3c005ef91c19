import Crypto
import Foundation

/// An API key: 256 random bits, shown once, stored only as a SHA-256 hash.
///
/// The text form is `rf_<prefix>_<secret>`: the 8-character prefix locates the stored
/// row without revealing anything, the secret is base64url of 32 random bytes.
/// Verification hashes the presented key and compares digests in constant time.
public struct APIKey: Sendable {
    /// The key as the client presents it. Never log it.
    public let text: String
    /// The public prefix that names the stored row.
    public let prefix: String

    /// Makes a fresh random key.
    public static func generate() -> APIKey {
        var generator = SystemRandomNumberGenerator()
        let prefix = (0..<8).map { _ in Self.prefixAlphabet.randomElement(using: &generator)! }
        let secret = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let text = "rf_" + String(prefix) + "_" + Data(secret).base64URLEncoded
        return APIKey(text: text, prefix: String(prefix))
    }

    /// Parses a presented key; nil when it is not of the `rf_<prefix>_<secret>` form.
    public init?(parsing text: String) {
        let parts = text.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "rf", parts[1].count == 8, parts[2].count == 43,
            parts[1].allSatisfy({ Self.prefixAlphabet.contains($0) })
        else { return nil }
        self.init(text: text, prefix: String(parts[1]))
    }

    private init(text: String, prefix: String) {
        self.text = text
        self.prefix = prefix
    }

    /// SHA-256 of the whole key, the only form stored.
    public var hash: [UInt8] { Array(SHA256.hash(data: Data(text.utf8))) }

    /// Whether this key hashes to a stored digest, compared in constant time.
    public func matches(storedHash: [UInt8]) -> Bool {
        Self.constantTimeEqual(hash, storedHash)
    }

    /// Compares two byte strings in time that depends only on their lengths.
    public static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices {
            difference |= lhs[index] ^ rhs[index]
        }
        return difference == 0
    }

    private static let prefixAlphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
}

extension Data {
    /// Base64url without padding (RFC 4648, section 5).
    public var base64URLEncoded: String {
        base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Bytes from base64url with or without padding; nil when the text is not base64url.
    public init?(base64URLEncoded text: String) {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            return nil
        }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        self.init(base64Encoded: base64)
    }
}
