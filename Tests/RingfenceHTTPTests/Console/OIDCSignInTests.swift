import Foundation
import Hummingbird
import PostgresNIO
import RingfenceCore
import RingfenceHTTP
import RingfenceTestSupport
import Testing

/// Console sign-in through a real OpenID Connect provider (django-oidc-provider, started
/// by the test): the code flow with PKCE, and every way an ID token or a return may be
/// wrong — another audience, a signature by a key the provider does not publish, expired,
/// another sign-in's nonce, a code of another client, a state that is not the browser's,
/// a return replayed.
@Suite(
    "Console sign-in through OpenID Connect",
    .enabled(
        if: TestServers.postgresEnabled && TestServers.ldapEnabled && OIDCTestProvider.enabled,
        Comment(rawValue: TestServers.skipMessage)))
struct OIDCSignInTests {
    /// The redirect URI registered with the provider. The provider only sends the browser
    /// there; the test's browser takes the path and query to the console it serves.
    static let redirect = "http://127.0.0.1:1/console/sign-in/oidc/callback"
    static let misbehaving = ["mallory", "eve", "old", "replay"]

    /// A provider with the console's client and people; the console configured for it.
    static func withProvider(
        keysRefetchSeconds: Int = 60,
        _ body: @Sendable (OIDCTestProvider, ConsoleTests.Browser, PostgresClient) async throws -> Void
    ) async throws {
        let provider = try OIDCTestProvider()
        try provider.client("ringfence", secret: "console-secret", redirect: redirect)
        try provider.client("intruder", secret: "intruder-secret", redirect: redirect)
        for name in ["tess", "nora", "stranger"] + misbehaving { try provider.user(name, password: "\(name)-sso") }
        var oidc = OIDCSettings(
            issuer: provider.issuer, clientID: "ringfence", clientSecret: "console-secret", redirectURL: redirect,
            label: "Sign in with Example SSO")
        oidc.keysRefetchSeconds = keysRefetchSeconds
        let settings = ConsoleSettings(
            roles: ConsoleRoles(groups: [.admin: ["platform-admins"]]), secureCookies: false, oidc: oidc)
        try await ConsoleTests.withConsole(settings: settings) { browser, client in
            for (offset, name) in misbehaving.enumerated() {
                let id = 10 + offset
                try await client.query(
                    "INSERT INTO directory_users (id, dn, username, dn_key) VALUES (\(id), \("uid=\(name),dc=x"), \(name), \("uid=\(name),dc=x"))"
                )
                try await client.query(
                    "INSERT INTO effective_memberships (user_id, group_id, depth) VALUES (\(id), 1, 0)")
            }
            try await body(provider, browser, client)
        }
    }

    /// Starts a sign-in at the console; returns the provider's authorization URL.
    static func start(_ browser: ConsoleTests.Browser) async throws -> String {
        let start = try await browser.go(.get, "/console/sign-in/oidc")
        #expect(start.status == 303)
        return try #require(start.headers[.location])
    }

    /// The console's callback path and query from where the provider sent the browser.
    static func callback(_ location: String) throws -> String {
        let url = try #require(URLComponents(string: location), "the provider answered '\(location)'")
        #expect(url.path == "/console/sign-in/oidc/callback", "the provider answered '\(location)'")
        return url.path + "?" + (url.percentEncodedQuery ?? "")
    }

    static func outcomes(_ client: PostgresClient) async throws -> [String] {
        var outcomes: [String] = []
        let rows = try await client.query("SELECT username, outcome, method FROM console_sign_ins ORDER BY id")
        for try await (user, outcome, method) in rows.decode((String, String, String).self) {
            outcomes.append("\(user) \(outcome) \(method)")
        }
        return outcomes
    }

    static func details(_ client: PostgresClient) async throws -> [String] {
        var details: [String] = []
        let rows = try await client.query("SELECT detail FROM console_sign_ins WHERE detail IS NOT NULL ORDER BY id")
        for try await detail in rows.decode(String.self) { details.append(detail) }
        return details
    }

    @Test("an admin signs in at the provider: PKCE S256, a nonce, a Lax state cookie, then a session")
    func signIn() async throws {
        try await Self.withProvider { provider, browser, client in
            let form = try await browser.go(.get, "/console/sign-in")
            #expect(form.html.contains("href=\"/console/sign-in/oidc\"") && form.html.contains("Example SSO"))
            let start = try await browser.go(.get, "/console/sign-in/oidc")
            let state = try #require(start.headers[values: .setCookie].first { $0.hasPrefix("rf_oidc=") })
            #expect(state.contains("SameSite=Lax") && state.contains("HttpOnly"))
            let location = try #require(start.headers[.location])
            let authorize = try #require(URLComponents(string: location))
            let query = Dictionary(uniqueKeysWithValues: (authorize.queryItems ?? []).map { ($0.name, $0.value ?? "") })
            #expect(authorize.string?.hasPrefix(provider.issuer + "/authorize") == true)
            #expect(query["code_challenge_method"] == "S256" && query["code_challenge"]?.count == 43)
            #expect(query["client_id"] == "ringfence" && query["redirect_uri"] == Self.redirect)
            #expect(query["nonce"]?.count == 43 && query["state"]?.count == 43)
            #expect(query["scope"] == "openid profile email" && query["response_type"] == "code")

            let back = try provider.signIn("tess", password: "tess-sso", at: try #require(authorize.string))
            let path = try Self.callback(back)
            let landed = try await browser.go(.get, path)
            #expect(landed.status == 200 && landed.html.contains("http-equiv=\"refresh\" content=\"0;url=/console\""))
            #expect(browser.cookies["rf_session"] != nil && browser.cookies["rf_oidc"] == nil)
            let board = try await browser.go(.get, "/console")
            #expect(board.status == 200 && board.html.contains("tess (admin)"))
            #expect(try await Self.outcomes(client) == ["tess signed-in oidc"])

            // The same return again: the sign-in was taken once.
            browser.cookies["rf_session"] = nil
            browser.cookies["rf_oidc"] = query["state"]
            let replayed = try await browser.go(.get, path)
            #expect(replayed.status == 403 && browser.cookies["rf_session"] == nil)
        }
    }

    @Test("ID tokens for another audience, signed by an unpublished key, expired or with another nonce are refused")
    func wrongTokens() async throws {
        try await Self.withProvider { provider, browser, client in
            for name in Self.misbehaving {
                browser.cookies = [:]
                let back = try provider.signIn(name, password: "\(name)-sso", at: try await Self.start(browser))
                let landed = try await browser.go(.get, try Self.callback(back))
                #expect(landed.status == 401, "\(name)")
                #expect(landed.html.contains("Single sign-on did not succeed."), "\(name)")
                #expect(browser.cookies["rf_session"] == nil, "\(name) got a session")
            }
            #expect(try await Self.outcomes(client) == Array(repeating: "(unknown) refused oidc", count: 4))
            // Each refused for its own fault, as recorded for the audit trail.
            let details = try await Self.details(client)
            #expect(details.count == 4)
            #expect(details.first?.contains("meant for another-client, not this client") == true, "\(details)")
            #expect(details.dropFirst().first?.contains("signatureVerificationFailed") == true, "\(details)")
            #expect(details.dropFirst(2).first?.contains("expired at") == true, "\(details)")
            #expect(details.last?.contains("the nonce is not the one of this sign-in") == true, "\(details)")
            // The same people signed in well would have got in: the refusals are the tokens'.
            browser.cookies = [:]
            let back = try provider.signIn("tess", password: "tess-sso", at: try await Self.start(browser))
            #expect(try await browser.go(.get, try Self.callback(back)).status == 200)
        }
    }

    @Test("a state that is not the browser's, and a code issued to another client, open nothing")
    func forgedReturns() async throws {
        try await Self.withProvider { provider, browser, client in
            // Another browser's sign-in finished in this one (login CSRF): the state cookie differs.
            let victim = try await Self.start(browser)
            browser.cookies["rf_oidc"] = SessionToken.generate().text
            let back = try provider.signIn("tess", password: "tess-sso", at: victim)
            let forged = try await browser.go(.get, try Self.callback(back))
            #expect(forged.status == 403 && browser.cookies["rf_session"] == nil)

            // A code the provider issued to another client, returned with this browser's state.
            browser.cookies = [:]
            let ours = try #require(URLComponents(string: try await Self.start(browser)))
            var theirs = ours
            theirs.queryItems = ours.queryItems?.map {
                $0.name == "client_id" ? URLQueryItem(name: "client_id", value: "intruder") : $0
            }
            let injected = try provider.signIn("tess", password: "tess-sso", at: try #require(theirs.string))
            let landed = try await browser.go(.get, try Self.callback(injected))
            #expect(landed.status == 401 && browser.cookies["rf_session"] == nil)

            // The provider's own refusal comes back as an error, not a session.
            let refused = try await browser.go(.get, "/console/sign-in/oidc/callback?error=access_denied&state=x")
            #expect(refused.status == 401 && browser.cookies["rf_session"] == nil)
            #expect(try await Self.outcomes(client) == ["(unknown) refused oidc"])
            #expect(try await Self.details(client).first?.contains("invalid_grant") == true)
        }
    }

    @Test("a person the directory does not know, or without a role, gets no session")
    func directoryDecides() async throws {
        try await Self.withProvider { provider, browser, client in
            let stranger = try provider.signIn("stranger", password: "stranger-sso", at: try await Self.start(browser))
            let unknown = try await browser.go(.get, try Self.callback(stranger))
            #expect(unknown.status == 403 && unknown.html.contains("not a user of the directory"))
            browser.cookies = [:]
            let nora = try provider.signIn("nora", password: "nora-sso", at: try await Self.start(browser))
            let noRole = try await browser.go(.get, try Self.callback(nora))
            #expect(noRole.status == 403 && noRole.html.contains("no console role"))
            #expect(browser.cookies["rf_session"] == nil)
            #expect(try await Self.outcomes(client) == ["stranger refused oidc", "nora no-role oidc"])
        }
    }

    @Test("after the provider rotates its signing key, sign-in works again: the keys are fetched anew")
    func keyRotation() async throws {
        try await Self.withProvider(keysRefetchSeconds: 0) { provider, browser, client in
            let first = try provider.signIn("tess", password: "tess-sso", at: try await Self.start(browser))
            #expect(try await browser.go(.get, try Self.callback(first)).status == 200)
            #expect(try provider.command("rotate") == "ok")
            browser.cookies = [:]
            let second = try provider.signIn("tess", password: "tess-sso", at: try await Self.start(browser))
            #expect(try await browser.go(.get, try Self.callback(second)).status == 200, "signed with the new key")
            #expect(try await Self.outcomes(client) == ["tess signed-in oidc", "tess signed-in oidc"])
        }
    }
}
