import Foundation
import Hummingbird
import RingfenceCore
import RingfenceServer
import RingfenceStore

/// Console sessions over HTTP: the session cookie (HttpOnly, SameSite=Strict, Secure over
/// TLS, path `/console`), the session it names in PostgreSQL, and the CSRF check of every
/// form that changes something (the session's own token, compared in constant time).
struct ConsoleSessions: Sendable {
    static let cookie = "rf_session"

    let store: ConsoleSessionStore
    let settings: ConsoleSettings

    /// The principal and CSRF token of the request's session; nil without a live one.
    func current(_ request: Request) async throws -> (principal: AdminPrincipal, csrf: String)? {
        guard let text = request.cookies[Self.cookie]?.value, let token = SessionToken(presented: text),
            let session = try await store.session(tokenHash: token.hash)
        else { return nil }
        return (AdminPrincipal(name: session.username, role: session.role, tokenPrefix: "session"), session.csrfToken)
    }

    /// Starts a session; returns the cookie that carries it.
    func start(username: String, role: AdminRole) async throws -> Cookie {
        let token = SessionToken.generate()
        try await store.create(
            tokenHash: token.hash, username: username, role: role, csrfToken: SessionToken.generate().text,
            idleSeconds: settings.idleMinutes * 60, lifetime: TimeInterval(settings.sessionHours) * 3_600)
        return cookie(token.text, maxAge: settings.sessionHours * 3_600)
    }

    /// Ends the request's session; returns the cookie that clears it.
    func end(_ request: Request) async throws -> Cookie {
        if let text = request.cookies[Self.cookie]?.value, let token = SessionToken(presented: text) {
            try await store.delete(tokenHash: token.hash)
        }
        return cookie("", maxAge: 0)
    }

    /// A console cookie. `SameSite=Strict` but for the OpenID Connect sign-in's, which must
    /// come back with the provider's redirect (a top-level GET from another site: `Lax`).
    func cookie(_ value: String, maxAge: Int, name: String = Self.cookie, sameSite: Cookie.SameSite = .strict)
        -> Cookie
    {
        Cookie(
            name: name, value: value, maxAge: maxAge, path: "/console", secure: settings.secureCookies, httpOnly: true,
            sameSite: sameSite)
    }

    /// Whether a form's `csrf` field is the session's token.
    static func csrfHolds(_ fields: [String: String], session csrf: String) -> Bool {
        guard let presented = fields["csrf"], let token = SessionToken(presented: csrf) else { return false }
        return token.matches(presented)
    }
}
