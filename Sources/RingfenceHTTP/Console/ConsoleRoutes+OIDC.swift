import Foundation
import Hummingbird
import Logging
import RingfenceCore
import RingfenceServer
import RingfenceStore

/// Sign-in through the OpenID Connect provider (docs/console.md): the authorization code
/// flow with PKCE. The state, bound to the browser by a cookie, names the sign-in kept in
/// PostgreSQL (any replica finishes it, once); the ID token's signature is checked with
/// jwt-kit and its claims by ``IDTokenCheck``.
extension ConsoleRoutes {
    static let oidcCookie = "rf_oidc"

    /// `GET /console/sign-in/oidc`: to the provider.
    func startOIDC(_ context: AdminRequestContext) async throws -> Response {
        guard let oidc else { return ConsoleResponse.redirect("/console/sign-in") }
        let address = context.remoteAddress ?? "unknown"
        if let wait = limiter.admit("oidc|\(address)") {
            return signInForm(
                message: "Too many attempts; try again in \(RetryAfter.text(seconds: wait)).", username: "",
                status: .tooManyRequests)
        }
        let state = SessionToken.generate()
        let flow = ConsoleSessionStore.OIDCFlow(nonce: SessionToken.generate().text, verifier: PKCE.generate().verifier)
        let url: String
        do {
            url = try await oidc.authorizationURL(
                state: state.text, nonce: flow.nonce, pkce: PKCE(verifier: flow.verifier))
        } catch {
            logger.error("console single sign-on unavailable", metadata: ["error": "\(error)"])
            return signInForm(
                message: "Single sign-on is not available right now.", username: "", status: .serviceUnavailable)
        }
        try await sessionStore.beginOIDC(stateHash: state.hash, flow: flow)
        return ConsoleResponse.redirect(
            url, cookies: [sessions.cookie(state.text, maxAge: 600, name: Self.oidcCookie, sameSite: .lax)])
    }

    /// `GET /console/sign-in/oidc/callback?code=…&state=…`: back from the provider.
    func finishOIDC(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        guard let oidc else { return ConsoleResponse.redirect("/console/sign-in") }
        let address = context.remoteAddress ?? "unknown"
        let query = request.uri.queryParameters
        let clear = sessions.cookie("", maxAge: 0, name: Self.oidcCookie, sameSite: .lax)
        if let error = query["error"] {
            logger.notice("console single sign-on refused by the provider", metadata: ["error": "\(error)"])
            return signInForm(
                message: "The identity provider did not sign you in.", username: "", status: .unauthorized)
        }
        // The state must be the one this browser was sent with (login CSRF), and unused.
        guard let presented = query["state"].map(String.init), let cookie = request.cookies[Self.oidcCookie]?.value,
            let state = SessionToken(presented: cookie), state.matches(presented),
            let code = query["code"].map(String.init), !code.isEmpty, code.utf8.count <= 4_096,
            let flow = try await sessionStore.takeOIDC(stateHash: state.hash)
        else {
            return signInForm(message: "The sign-in expired; please try again.", username: "", status: .forbidden)
        }
        let username: String
        do {
            username = try await oidc.username(code: code, flow: flow)
        } catch {
            logger.notice("console single sign-on failed", metadata: ["reason": "\(error)"])
            try await sessionStore.recordSignIn(
                username: "(unknown)", address: address, outcome: "refused", role: nil, method: "oidc",
                detail: String(String(describing: error).prefix(500)))
            return signInForm(message: "Single sign-on did not succeed.", username: "", status: .unauthorized)
        }
        guard let facts = try await directory.signInFacts(user: username) else {
            try await sessionStore.recordSignIn(
                username: username, address: address, outcome: "refused", role: nil, method: "oidc")
            return signInForm(
                message: "You signed in as \(username), who is not a user of the directory.", username: "",
                status: .forbidden)
        }
        guard let session = try await startSession(facts, address: address, method: "oidc") else { return noRole() }
        // A page of this site moves on to the board, so that the strict session cookie is
        // sent (the redirect chain began on the provider's site).
        return ConsoleResponse.page(
            templates.render("signed-in", ["title": "Signed in", "refresh": "/console"]), cookies: [session, clear])
    }
}
