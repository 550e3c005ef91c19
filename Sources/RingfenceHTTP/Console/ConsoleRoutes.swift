import Foundation
import Hummingbird
import Logging
import RingfenceAdminAPI
import RingfenceCore
import RingfenceServer
import RingfenceStore

/// The console's routes on the admin listener (docs/console.md): sign-in with directory
/// credentials, sign-out, and the pages. Every page is a view over the admin API's
/// handlers, called as the signed-in person after the same permission check the API makes
/// (`AdminOperationPermissions`), so the console shows exactly what that person's API
/// token would.
struct ConsoleRoutes: Sendable {
    let settings: ConsoleSettings
    /// Checks directory passwords; nil when people sign in only through OpenID Connect.
    let passwordCheck: ConsoleSettings.PasswordCheck?
    let oidc: OIDCProvider?
    let sessions: ConsoleSessions
    let sessionStore: ConsoleSessionStore
    let directory: DirectoryStore
    let handler: AdminHandler
    let templates: ConsoleTemplates
    let limiter: RateLimiter
    let logger: Logger

    init(
        settings: ConsoleSettings, passwordCheck: ConsoleSettings.PasswordCheck?, client: ConsoleSessionStore,
        directory: DirectoryStore, handler: AdminHandler, logger: Logger
    ) throws {
        guard passwordCheck != nil || settings.oidc != nil else { throw ConsoleUnavailable() }
        self.settings = settings
        self.passwordCheck = passwordCheck
        self.oidc = settings.oidc.map { OIDCProvider(settings: $0) }
        self.sessionStore = client
        self.sessions = ConsoleSessions(store: client, settings: settings)
        self.directory = directory
        self.handler = handler
        self.templates = try ConsoleTemplates()
        self.limiter = RateLimiter(rate: settings.signInPerMinute / 60, burst: settings.signInBurst)
        self.logger = logger
    }

    func add(to router: Router<AdminRequestContext>) {
        let console = router.group("console")
        console.get("style.css") { _, _ in Self.asset(ConsoleTemplates.styleSheet, type: "text/css; charset=utf-8") }
        console.get("icon.svg") { _, _ in Self.asset(ConsoleTemplates.icon, type: "image/svg+xml") }
        console.get("sign-in") { _, _ in signInForm(message: nil, username: "", status: .ok) }
        console.post("sign-in") { request, context in try await signIn(request, context) }
        console.get("sign-in/oidc") { _, context in try await startOIDC(context) }
        console.get("sign-in/oidc/callback") { request, context in try await finishOIDC(request, context) }
        console.post("sign-out") { request, _ in
            try await signedIn(request) { _, csrf in
                let fields = try await Self.form(request)
                guard ConsoleSessions.csrfHolds(fields, session: csrf) else { return refusedForm() }
                return ConsoleResponse.redirect("/console/sign-in", cookies: [try await sessions.end(request)])
            }
        }
        console.get("") { request, _ in
            try await signedIn(request) { principal, csrf in try await board(principal, csrf) }
        }
        console.get("fleet") { request, _ in
            try await signedIn(request) { principal, csrf in try await fleet(request, principal, csrf) }
        }
        console.get("hosts/:id") { request, context in
            try await signedIn(request) { principal, csrf in
                try await host(context.parameters.get("id") ?? "", principal, csrf)
            }
        }
        console.get("explain") { request, _ in
            try await signedIn(request) { principal, csrf in try await explain(request, principal, csrf) }
        }
        console.get("policy") { request, _ in
            try await signedIn(request) { principal, csrf in try await policy(request, principal, csrf) }
        }
        console.get("policy/publish") { request, _ in
            try await signedIn(request) { principal, csrf in try await publishForm(principal, csrf) }
        }
        console.post("policy/publish") { request, _ in
            try await signedIn(request) { principal, csrf in
                let fields = try await Self.form(request, limit: AdminLimits.maxBodyBytes)
                guard ConsoleSessions.csrfHolds(fields, session: csrf) else { return refusedForm() }
                return try await publish(fields, principal, csrf)
            }
        }
        console.get("policy/:revision") { request, context in
            try await signedIn(request) { principal, csrf in
                try await revision(context.parameters.get("revision") ?? "", principal, csrf)
            }
        }
        console.get("policy/:revision/rollback") { request, context in
            try await signedIn(request) { principal, csrf in
                try await rollbackPlan(context.parameters.get("revision") ?? "", principal, csrf)
            }
        }
        console.post("policy/:revision/rollback") { request, context in
            try await signedIn(request) { principal, csrf in
                let fields = try await Self.form(request)
                guard ConsoleSessions.csrfHolds(fields, session: csrf) else { return refusedForm() }
                return try await rollback(context.parameters.get("revision") ?? "", fields, principal)
            }
        }
        console.get("exceptions") { request, _ in
            try await signedIn(request) { principal, csrf in try await exceptions(request, principal, csrf) }
        }
        console.get("exceptions/:id") { request, context in
            try await signedIn(request) { principal, csrf in
                try await exception(context.parameters.get("id") ?? "", principal, csrf)
            }
        }
        console.post("exceptions/:id") { request, context in
            try await signedIn(request) { principal, csrf in
                let fields = try await Self.form(request)
                guard ConsoleSessions.csrfHolds(fields, session: csrf) else { return refusedForm() }
                return try await decide(context.parameters.get("id") ?? "", fields, principal)
            }
        }
        console.get("rollout") { request, _ in
            try await signedIn(request) { principal, csrf in try await rollout(principal, csrf) }
        }
        console.get("groups/:name") { request, context in
            try await signedIn(request) { principal, csrf in
                try await group(context.parameters.get("name") ?? "", principal, csrf)
            }
        }
    }

    /// A fixed file of the console (its style sheet, its icon), cached for an hour.
    static func asset(_ text: String, type: String) -> Response {
        var headers: HTTPFields = [.contentType: type]
        ConsoleHeaders.apply(to: &headers)
        headers[.cacheControl] = "max-age=3600"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    // MARK: Sign-in

    func signInForm(message: String?, username: String, status: HTTPResponse.Status) -> Response {
        let token = SessionToken.generate().text
        let html = templates.render(
            "sign-in",
            [
                "title": "Sign in", "message": message as Any, "username": username, "signin": token,
                "password": passwordCheck != nil, "oidc": settings.oidc?.label as Any,
            ])
        return ConsoleResponse.page(
            html, status: status, cookies: [sessions.cookie(token, maxAge: 600, name: "rf_signin")])
    }

    func signIn(_ request: Request, _ context: AdminRequestContext) async throws -> Response {
        let fields = try await Self.form(request)
        // Login CSRF: the form's token must be the one its page set as a cookie.
        guard let expected = request.cookies["rf_signin"]?.value, let token = SessionToken(presented: expected),
            let presented = fields["signin"], token.matches(presented)
        else {
            return signInForm(message: "The sign-in form expired; please try again.", username: "", status: .forbidden)
        }
        let username = (fields["username"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = fields["password"] ?? ""
        guard !username.isEmpty, username.count <= 255, !username.contains("\u{0}"), !password.isEmpty,
            password.count <= 1_024
        else {
            return signInForm(message: "Enter your user name and password.", username: "", status: .badRequest)
        }
        let address = context.remoteAddress ?? "unknown"
        if let wait = limiter.admit("\(address)|\(username.lowercased())") {
            return signInForm(
                message: "Too many attempts; try again in \(RetryAfter.text(seconds: wait)).", username: username,
                status: .tooManyRequests)
        }
        let refused = "The user name or password is wrong."
        guard let passwordCheck else {
            return signInForm(message: "Sign in with single sign-on.", username: "", status: .badRequest)
        }
        guard let facts = try await directory.signInFacts(user: username),
            try await passwordCheck(facts.dn, password)
        else {
            try await sessionStore.recordSignIn(username: username, address: address, outcome: "refused", role: nil)
            return signInForm(message: refused, username: username, status: .unauthorized)
        }
        let cookie = try await startSession(facts, address: address, method: "password")
        return cookie.map {
            ConsoleResponse.redirect("/console", cookies: [$0, sessions.cookie("", maxAge: 0, name: "rf_signin")])
        }
            ?? noRole()
    }

    /// Starts the session of a person whose identity was proven (directory bind or ID
    /// token) with the role their groups give; nil (recorded) when they have none.
    func startSession(
        _ facts: (dn: String, username: String, groups: [String], ownsGroups: Bool), address: String, method: String
    ) async throws -> Cookie? {
        guard let role = settings.roles.role(memberOf: facts.groups, ownsGroups: facts.ownsGroups) else {
            try await sessionStore.recordSignIn(
                username: facts.username, address: address, outcome: "no-role", role: nil, method: method)
            return nil
        }
        try await sessionStore.recordSignIn(
            username: facts.username, address: address, outcome: "signed-in", role: role, method: method)
        logger.notice(
            "console sign-in",
            metadata: ["user": "\(facts.username)", "role": "\(role.rawValue)", "method": "\(method)"])
        return try await sessions.start(username: facts.username, role: role)
    }

    func noRole() -> Response {
        error("You are signed in to the directory, but no console role is given to you.", .forbidden, nil, nil)
    }

    /// Runs `body` as the session's person; without a session, to the sign-in page.
    func signedIn(_ request: Request, _ body: (AdminPrincipal, String) async throws -> Response) async throws
        -> Response
    {
        guard let (principal, csrf) = try await sessions.current(request) else {
            return ConsoleResponse.redirect("/console/sign-in")
        }
        do {
            return try await AdminPrincipal.$current.withValue(principal) { try await body(principal, csrf) }
        } catch {
            let failure = AdminErrorMiddleware.failure(for: error)
            if failure.status >= 500 {
                logger.error("console page failed", metadata: ["error": "\(String(reflecting: error))"])
            }
            return self.error(failure.detail, .init(code: failure.status), principal, csrf)
        }
    }

    func refusedForm() -> Response {
        ConsoleResponse.page(
            templates.render(
                "error", ["title": "Refused", "message": "The form expired; reload the page and try again."]),
            status: .forbidden)
    }

    func error(_ message: String, _ status: HTTPResponse.Status, _ principal: AdminPrincipal?, _ csrf: String?)
        -> Response
    {
        var values = layout(principal, csrf, title: status == .forbidden ? "Not allowed" : "Something went wrong")
        values["message"] = message
        return ConsoleResponse.page(templates.render("error", values), status: status)
    }

    /// The layout's values for a page.
    func layout(_ principal: AdminPrincipal?, _ csrf: String?, title: String) -> [String: Any] {
        guard let principal, let csrf else { return ["title": title] }
        return [
            "title": title, "user": principal.name, "role": principal.role.rawValue, "csrf": csrf,
            "canSeeFleet": principal.role.allows(.readFleet), "canSeePolicy": principal.role.allows(.readPolicy),
            "canSeeRollout": principal.role.allows(.readRollout),
            "canSeeExceptions": principal.role.allows(.readExceptions),
        ]
    }

    /// A form body, of at most `limit` bytes (a policy fits the admin listener's limit).
    static func form(_ request: Request, limit: Int = 64 * 1024) async throws -> [String: String] {
        var request = request
        let buffer = try await request.collectBody(upTo: limit)
        return FormBody.parse(String(buffer: buffer))
    }

    /// Refuses what the role may not see, as the API would (403).
    static func require(_ principal: AdminPrincipal, _ operation: String) throws {
        guard AdminOperationPermissions.allows(principal.role, operation) else {
            throw AdminFailure.forbidden("your role (\(principal.role.rawValue)) may not see this page")
        }
    }
}
