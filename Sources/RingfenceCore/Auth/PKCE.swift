import Crypto
import Foundation

/// Proof Key for Code Exchange (RFC 7636) for the console's OpenID Connect sign-in: a
/// random verifier the server keeps with the sign-in, and its `S256` challenge sent with
/// the authorization request, so that a code stolen on its way back cannot be redeemed.
public struct PKCE: Sendable, Equatable {
    /// The verifier: 256 random bits as base64url (43 characters of RFC 7636's
    /// unreserved set). Never log it.
    public let verifier: String

    /// The only method sent: `code_challenge = BASE64URL(SHA256(verifier))`.
    public static let method = "S256"

    public init(verifier: String) { self.verifier = verifier }

    /// A fresh random verifier.
    public static func generate() -> PKCE { PKCE(verifier: SessionToken.generate().text) }

    /// The challenge sent with the authorization request.
    public var challenge: String { Data(SHA256.hash(data: Data(verifier.utf8))).base64URLEncoded }
}
