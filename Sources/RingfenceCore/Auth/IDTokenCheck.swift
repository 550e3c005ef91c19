import Foundation

/// The claims of an OpenID Connect ID token that sign-in depends on, once its signature
/// was verified.
public struct IDTokenClaims: Sendable, Equatable {
    public var issuer: String
    public var subject: String
    public var audiences: [String]
    /// `azp`, when present.
    public var authorizedParty: String?
    public var expiresAt: Date
    public var issuedAt: Date
    public var notBefore: Date?
    public var nonce: String?
    /// The value of the configured user-name claim (e.g. `preferred_username`), when present.
    public var username: String?

    public init(
        issuer: String, subject: String, audiences: [String], authorizedParty: String? = nil, expiresAt: Date,
        issuedAt: Date, notBefore: Date? = nil, nonce: String?, username: String?
    ) {
        self.issuer = issuer
        self.subject = subject
        self.audiences = audiences
        self.authorizedParty = authorizedParty
        self.expiresAt = expiresAt
        self.issuedAt = issuedAt
        self.notBefore = notBefore
        self.nonce = nonce
        self.username = username
    }
}

/// Why an ID token was refused; the text is for the log, never shown with the token.
public enum IDTokenRejection: Error, Equatable, CustomStringConvertible {
    case wrongIssuer(String)
    case wrongAudience([String])
    case wrongAuthorizedParty(String)
    case expired(Date)
    case notYetValid(Date)
    case issuedTooLongAgo(Date)
    case wrongNonce
    case noUsername(claim: String)

    public var description: String {
        switch self {
        case .wrongIssuer(let issuer): "issued by \(issuer), not the configured issuer"
        case .wrongAudience(let audiences): "meant for \(audiences.joined(separator: ", ")), not this client"
        case .wrongAuthorizedParty(let party): "authorized party \(party) is not this client"
        case .expired(let at): "expired at \(at)"
        case .notYetValid(let at): "not valid before \(at)"
        case .issuedTooLongAgo(let at): "issued at \(at), too long ago"
        case .wrongNonce: "the nonce is not the one of this sign-in"
        case .noUsername(let claim): "no \(claim) claim"
        }
    }
}

/// The checks OpenID Connect Core 1.0 §3.1.3.7 asks of a client on an ID token whose
/// signature was verified: the issuer exactly, this client among the audiences and no
/// audience it does not trust (`azp` this client when present), not expired, not issued
/// in the future nor too long ago, and the nonce of this sign-in. Pure: the time is given.
public struct IDTokenCheck: Sendable {
    public var issuer: String
    public var clientID: String
    public var nonce: String
    public var usernameClaim: String
    public var now: Date
    /// Allowed clock difference with the provider.
    public var leeway: TimeInterval = 60
    /// How old an ID token may be when it is presented.
    public var maxAge: TimeInterval = 600

    public init(issuer: String, clientID: String, nonce: String, usernameClaim: String, now: Date) {
        self.issuer = issuer
        self.clientID = clientID
        self.nonce = nonce
        self.usernameClaim = usernameClaim
        self.now = now
    }

    /// The user name the token names; throws the first check that fails.
    public func username(of claims: IDTokenClaims) throws(IDTokenRejection) -> String {
        guard claims.issuer == issuer else { throw .wrongIssuer(claims.issuer) }
        guard claims.audiences == [clientID] else { throw .wrongAudience(claims.audiences) }
        if let party = claims.authorizedParty, party != clientID { throw .wrongAuthorizedParty(party) }
        guard claims.expiresAt.addingTimeInterval(leeway) > now else { throw .expired(claims.expiresAt) }
        if let notBefore = claims.notBefore, notBefore.addingTimeInterval(-leeway) > now {
            throw .notYetValid(notBefore)
        }
        guard claims.issuedAt.addingTimeInterval(-leeway) <= now else { throw .notYetValid(claims.issuedAt) }
        guard claims.issuedAt.addingTimeInterval(maxAge) > now else { throw .issuedTooLongAgo(claims.issuedAt) }
        guard let presented = claims.nonce, APIKey.constantTimeEqual(Array(presented.utf8), Array(nonce.utf8)) else {
            throw .wrongNonce
        }
        guard let username = claims.username?.trimmingCharacters(in: .whitespaces), !username.isEmpty,
            !username.contains("\u{0}")
        else { throw .noUsername(claim: usernameClaim) }
        return username
    }
}
