import Foundation
import JWTKit
import RingfenceCore

/// An ID token's payload as jwt-kit decodes it after checking its signature. The claims
/// are checked by ``IDTokenCheck`` (pure, with the time given), so `verify(using:)` adds
/// nothing; every string claim is kept so that the configured user-name claim can be read.
struct IDTokenPayload: JWTPayload {
    var iss: IssuerClaim
    var sub: SubjectClaim
    var aud: AudienceClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var nbf: NotBeforeClaim?
    var azp: String?
    var nonce: String?
    var strings: [String: String]

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        iss = try container.decode(IssuerClaim.self, forKey: Key(stringValue: "iss"))
        sub = try container.decode(SubjectClaim.self, forKey: Key(stringValue: "sub"))
        aud = try container.decode(AudienceClaim.self, forKey: Key(stringValue: "aud"))
        exp = try container.decode(ExpirationClaim.self, forKey: Key(stringValue: "exp"))
        iat = try container.decode(IssuedAtClaim.self, forKey: Key(stringValue: "iat"))
        nbf = try container.decodeIfPresent(NotBeforeClaim.self, forKey: Key(stringValue: "nbf"))
        azp = try container.decodeIfPresent(String.self, forKey: Key(stringValue: "azp"))
        nonce = try container.decodeIfPresent(String.self, forKey: Key(stringValue: "nonce"))
        var strings: [String: String] = [:]
        for key in container.allKeys {
            if let text = try? container.decode(String.self, forKey: key) { strings[key.stringValue] = text }
        }
        self.strings = strings
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        for (key, value) in strings { try container.encode(value, forKey: Key(stringValue: key)) }
        try container.encode(iss, forKey: Key(stringValue: "iss"))
        try container.encode(sub, forKey: Key(stringValue: "sub"))
        try container.encode(aud, forKey: Key(stringValue: "aud"))
        try container.encode(exp, forKey: Key(stringValue: "exp"))
        try container.encode(iat, forKey: Key(stringValue: "iat"))
        try container.encodeIfPresent(nbf, forKey: Key(stringValue: "nbf"))
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {}

    /// The claims the sign-in checks.
    func claims(usernameClaim: String) -> IDTokenClaims {
        IDTokenClaims(
            issuer: iss.value, subject: sub.value, audiences: aud.value, authorizedParty: azp, expiresAt: exp.value,
            issuedAt: iat.value, notBefore: nbf?.value, nonce: nonce, username: strings[usernameClaim])
    }
}
