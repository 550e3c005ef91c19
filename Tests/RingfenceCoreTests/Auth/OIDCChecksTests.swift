import Foundation
import RingfenceCore
import Testing

@Suite("PKCE and the ID token checks")
struct OIDCChecksTests {
    @Test("the S256 challenge of RFC 7636 Appendix B")
    func pkceVector() {
        let pkce = PKCE(verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        #expect(pkce.challenge == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        let fresh = PKCE.generate()
        #expect(fresh.verifier.count == 43 && fresh.verifier != PKCE.generate().verifier)
        #expect(fresh.verifier.allSatisfy { $0.isLetter || $0.isNumber || "-._~".contains($0) })
    }

    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let check = IDTokenCheck(
        issuer: "https://login.example.com", clientID: "ringfence", nonce: "n-1", usernameClaim: "preferred_username",
        now: now)
    static let good = IDTokenClaims(
        issuer: "https://login.example.com", subject: "42", audiences: ["ringfence"], expiresAt: now + 300,
        issuedAt: now - 10, nonce: "n-1", username: "tess")

    static func rejection(_ change: (inout IDTokenClaims) -> Void) -> IDTokenRejection? {
        var claims = good
        change(&claims)
        do {
            _ = try check.username(of: claims)
            return nil
        } catch {
            return error
        }
    }

    @Test("a good token names its user")
    func good() throws {
        #expect(try Self.check.username(of: Self.good) == "tess")
        var withParty = Self.good
        withParty.authorizedParty = "ringfence"
        #expect(try Self.check.username(of: withParty) == "tess")
    }

    @Test("every check of OpenID Connect Core §3.1.3.7 refuses its own fault")
    func refusals() {
        #expect(
            Self.rejection { $0.issuer = "https://login.example.com/" } == .wrongIssuer("https://login.example.com/"))
        #expect(Self.rejection { $0.audiences = ["other"] } == .wrongAudience(["other"]))
        #expect(Self.rejection { $0.audiences = ["ringfence", "other"] } == .wrongAudience(["ringfence", "other"]))
        #expect(Self.rejection { $0.authorizedParty = "other" } == .wrongAuthorizedParty("other"))
        #expect(Self.rejection { $0.expiresAt = Self.now - 61 } == .expired(Self.now - 61))
        #expect(Self.rejection { $0.expiresAt = Self.now - 30 } == nil, "within the leeway")
        #expect(Self.rejection { $0.notBefore = Self.now + 120 } == .notYetValid(Self.now + 120))
        #expect(Self.rejection { $0.issuedAt = Self.now + 120 } == .notYetValid(Self.now + 120))
        #expect(Self.rejection { $0.issuedAt = Self.now - 601 } == .issuedTooLongAgo(Self.now - 601))
        #expect(Self.rejection { $0.nonce = "n-2" } == .wrongNonce)
        #expect(Self.rejection { $0.nonce = nil } == .wrongNonce)
        #expect(Self.rejection { $0.username = nil } == .noUsername(claim: "preferred_username"))
        #expect(Self.rejection { $0.username = " " } == .noUsername(claim: "preferred_username"))
    }
}
