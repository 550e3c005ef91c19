import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import RingfenceCore
import RingfenceDirectory
import RingfenceFiles
import RingfenceHTTP
import RingfenceStore
import RingfenceTestSupport
import Testing

/// The console over real HTTP, a real slapd (passwords checked by binding) and real
/// PostgreSQL (sessions): sign-in, roles, a manager's scope, CSRF, headers, rate limits.
@Suite(
    "Console",
    .enabled(
        if: TestServers.postgresEnabled && TestServers.ldapEnabled, Comment(rawValue: TestServers.skipMessage)))
struct ConsoleTests {
    /// A browser of sorts: keeps cookies, follows nothing by itself.
    final class Browser: @unchecked Sendable {
        let http: TestClient
        /// The console's port on loopback.
        let port: Int
        var cookies: [String: String] = [:]

        init(_ http: TestClient, port: Int) {
            self.http = http
            self.port = port
        }

        struct Page {
            var status: Int
            var headers: HTTPFields
            var html: String
            /// The value of a hidden input, e.g. `csrf`.
            func hidden(_ name: String) -> String? {
                guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
                return String(html[range.upperBound...].prefix { $0 != "\"" })
            }
        }

        func go(_ method: HTTPRequest.Method, _ path: String, form: [String: String]? = nil) async throws -> Page {
            var headers: HTTPFields = [.connection: "keep-alive"]
            if !cookies.isEmpty {
                headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ")
            }
            var body: ByteBuffer?
            if let form {
                headers[.contentType] = "application/x-www-form-urlencoded"
                let text = form.map {
                    "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")"
                }.joined(separator: "&")
                body = ByteBuffer(string: text)
            }
            let response = try await http.execute(
                TestClient.Request(path, method: method, authority: "localhost", headers: headers, body: body))
            for field in response.head.headerFields where field.name == .setCookie {
                let pair = field.value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
                let name = String(pair[0])
                let value = pair.count > 1 ? String(pair[1]) : ""
                if value.isEmpty || field.value.contains("Max-Age=0") {
                    cookies[name] = nil
                } else {
                    cookies[name] = value
                }
            }
            return Page(
                status: Int(response.head.status.code), headers: response.head.headerFields,
                html: String(buffer: response.body ?? ByteBuffer()))
        }

        /// Signs in through the form; returns the answer to the POST.
        func signIn(_ user: String, _ password: String) async throws -> Page {
            let form = try await go(.get, "/console/sign-in")
            let token = try #require(form.hidden("signin"))
            return try await go(
                .post, "/console/sign-in", form: ["signin": token, "username": user, "password": password])
        }
    }

    /// tess ∈ platform-admins (admin), vic ∈ auditors (viewer), mia owns web, nora nothing.
    static func withConsole(
        settings: ConsoleSettings = ConsoleSettings(
            roles: ConsoleRoles(groups: [.admin: ["platform-admins"], .viewer: ["auditors"]]), secureCookies: false),
        _ body: @Sendable (Browser, PostgresClient) async throws -> Void
    ) async throws {
        let directory = try LDAPTestDirectory.create()
        try directory.modify(
            ["tess", "vic", "mia", "nora"].map { directory.person($0, extra: ["userPassword: \($0)-secret"]) }
                .joined(separator: "\n\n"))
        try await TestServers.withMigratedDatabase { client, _ in
            for (id, user) in ["tess", "vic", "mia", "nora"].enumerated() {
                let dn = directory.userDN(user)
                try await client.query(
                    "INSERT INTO directory_users (id, dn, username, dn_key) VALUES (\(id + 1), \(dn), \(user), \(dn.lowercased()))"
                )
            }
            try await client.query(
                """
                INSERT INTO directory_groups (id, dn, name, owners) VALUES
                  (1, 'cn=platform-admins,dc=x', 'platform-admins', '{}'), (2, 'cn=auditors,dc=x', 'auditors', '{}'),
                  (3, 'cn=web,dc=x', 'web', ARRAY[\(directory.userDN("mia"))]), (4, 'cn=mobile,dc=x', 'mobile', '{}')
                """)
            try await client.query(
                "INSERT INTO effective_memberships (user_id, group_id, depth) VALUES (1, 1, 0), (2, 2, 0), (4, 3, 0)")
            let check = LDAPPasswordCheck(options: LDAPConnectionOptions(url: directory.server.url))
            let router = try AdminServer.router(
                client: client, configuration: .init(tokenCacheSeconds: 0, console: settings), snapshots: nil,
                passwordCheck: { try await check.verify(dn: $0, password: $1) }, logger: Logger(label: "test"))
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            try await app.test(.live) { live in
                let port = try #require(live.port)
                let tester = TestClient(host: "localhost", port: port, configuration: .init(timeout: HangGuard.timeout))
                tester.connect()
                do {
                    try await body(Browser(tester, port: port), client)
                    try await tester.shutdown()
                } catch {
                    try await tester.shutdown()
                    throw error
                }
            }
        }
    }

    @Test("no session: every page sends to the sign-in page")
    func noSession() async throws {
        try await Self.withConsole { browser, _ in
            for path in ["/console", "/console/fleet", "/console/groups/web", "/console/hosts/x"] {
                let page = try await browser.go(.get, path)
                #expect(page.status == 303 && page.headers[.location] == "/console/sign-in", "\(path)")
            }
            let forged = try await browser.go(.post, "/console/sign-out", form: ["csrf": "x"])
            #expect(forged.status == 303 && forged.headers[.location] == "/console/sign-in")
        }
    }

    @Test("an admin signs in with the directory password: a strict session cookie, pages with a strict CSP")
    func adminSignIn() async throws {
        try await Self.withConsole { browser, client in
            let wrong = try await browser.signIn("tess", "nope")
            #expect(wrong.status == 401 && wrong.html.contains("The user name or password is wrong."))
            let unknown = try await browser.signIn("nobody", "nobody-secret")
            #expect(unknown.status == 401 && unknown.html.contains("The user name or password is wrong."))
            let empty = try await browser.signIn("tess", "")
            #expect(empty.status == 400, "an empty password is not an anonymous bind")
            #expect(browser.cookies["rf_session"] == nil)
            let signedIn = try await browser.signIn("TESS", "tess-secret")
            #expect(signedIn.status == 303 && signedIn.headers[.location] == "/console")
            let cookie = try #require(signedIn.headers[values: .setCookie].first { $0.hasPrefix("rf_session=") })
            #expect(
                cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/console"))
            let board = try await browser.go(.get, "/console")
            #expect(board.status == 200 && board.html.contains("Control board") && board.html.contains("tess (admin)"))
            #expect(board.html.contains("Ring 4 · enforcement") && board.html.contains(">mobile</a>"))
            #expect(board.headers[.contentSecurityPolicy] == ConsoleHeadersExpectation.policy)
            #expect(!board.html.contains("<script"))
            let fleet = try await browser.go(.get, "/console/fleet?status=stale")
            #expect(fleet.status == 200 && fleet.html.contains("Hosts (filtered)"))
            var outcomes: [String] = []
            for try await outcome in try await client.query("SELECT outcome FROM console_sign_ins ORDER BY id").decode(
                String.self)
            {
                outcomes.append(outcome)
            }
            #expect(outcomes == ["refused", "refused", "signed-in"])
        }
    }

    @Test("sign-out needs the session's CSRF token; afterwards the session is gone")
    func csrf() async throws {
        try await Self.withConsole { browser, _ in
            _ = try await browser.signIn("vic", "vic-secret")
            let board = try await browser.go(.get, "/console")
            let csrf = try #require(board.hidden("csrf"))
            let session = try #require(browser.cookies["rf_session"])
            #expect(try await browser.go(.post, "/console/sign-out", form: [:]).status == 403)
            #expect(
                try await browser.go(.post, "/console/sign-out", form: ["csrf": String(csrf.reversed())]).status == 403)
            let out = try await browser.go(.post, "/console/sign-out", form: ["csrf": csrf])
            #expect(out.status == 303 && browser.cookies["rf_session"] == nil)
            browser.cookies["rf_session"] = session
            #expect(try await browser.go(.get, "/console").status == 303, "the old cookie opens nothing")
        }
    }

    @Test("a manager sees the groups they own, not the fleet, not another group by URL")
    func manager() async throws {
        try await Self.withConsole { browser, _ in
            _ = try await browser.signIn("mia", "mia-secret")
            let board = try await browser.go(.get, "/console")
            #expect(board.html.contains("mia (manager)") && board.html.contains(">web</a>"))
            #expect(!board.html.contains(">mobile</a>") && !board.html.contains("/console/fleet"))
            #expect(try await browser.go(.get, "/console/groups/web").html.contains("nora"))
            #expect(try await browser.go(.get, "/console/groups/mobile").status == 403)
            #expect(try await browser.go(.get, "/console/fleet").status == 403)
        }
    }

    @Test("a directory user with no console role and a forged sign-in form are refused")
    func refused() async throws {
        try await Self.withConsole { browser, _ in
            let nora = try await browser.signIn("nora", "nora-secret")
            #expect(nora.status == 403 && nora.html.contains("no console role"))
            #expect(browser.cookies["rf_session"] == nil)
            let forged = try await browser.go(
                .post, "/console/sign-in",
                form: ["signin": SessionToken.generate().text, "username": "tess", "password": "tess-secret"])
            #expect(forged.status == 403 && browser.cookies["rf_session"] == nil)
        }
    }

    @Test("sign-in attempts are rate limited per address and user name")
    func rateLimit() async throws {
        let settings = ConsoleSettings(
            roles: ConsoleRoles(groups: [.admin: ["platform-admins"]]), secureCookies: false, signInPerMinute: 0.01,
            signInBurst: 2)
        try await Self.withConsole(settings: settings) { browser, _ in
            let first = try await browser.signIn("tess", "a")
            let second = try await browser.signIn("tess", "b")
            let third = try await browser.signIn("tess", "tess-secret")
            let other = try await browser.signIn("vic", "vic-secret")
            #expect(first.status == 401 && second.status == 401)
            #expect(third.status == 429, "even the right password waits")
            #expect(other.status != 429, "another user name is not limited")
        }
    }
}

extension ConsoleTests {
    /// Publishes examples/policy (revision 1) and the same with ai-pilot at ring 4 (2).
    static func publishTwoRevisions(_ client: PostgresClient) async throws {
        let directory = TestServers.repositoryRoot.appending(path: "examples/policy")
        let store = PolicyStore(client: client)
        let first = try PolicyFiles.load(directory: directory).bundle
        try await store.publish(first, actor: "seed", comment: "first", expectedCurrent: nil)
        var second = first
        second.ringMappings = second.ringMappings.map {
            $0.group == "ai-pilot" ? RingMapping(group: $0.group, ring: .enforce, priority: $0.priority) : $0
        }
        try await store.publish(second, actor: "seed", comment: "ai-pilot to 4", expectedCurrent: 1)
    }

    @Test("an admin explains a decision and rolls back from the console: plan, comment, CSRF, the person as actor")
    func rollbackFromTheConsole() async throws {
        try await Self.withConsole { browser, client in
            try await Self.publishTwoRevisions(client)
            _ = try await browser.signIn("tess", "tess-secret")
            let explained = try await browser.go(.get, "/console/explain?user=tess&agent=claude-code")
            #expect(explained.status == 200 && explained.html.contains("Effective policy"))
            #expect(explained.html.contains("not-matched") || explained.html.contains("matched"))
            let revisions = try await browser.go(.get, "/console/policy")
            #expect(revisions.html.contains("ai-pilot to 4") && revisions.html.contains("Return to 1"))
            #expect(!revisions.html.contains("Return to 2"), "the current revision is not offered")
            let plan = try await browser.go(.get, "/console/policy/1/rollback")
            #expect(plan.status == 200 && plan.html.contains("ring mapping ai-pilot: ring: 4 → 3"))
            let csrf = try #require(plan.hidden("csrf"))
            let expected = try #require(plan.hidden("expected"))
            #expect(expected == "2")
            let forged = try await browser.go(
                .post, "/console/policy/1/rollback", form: ["comment": "x", "expected": "2"])
            #expect(forged.status == 403)
            let silent = try await browser.go(
                .post, "/console/policy/1/rollback", form: ["csrf": csrf, "comment": " ", "expected": "2"])
            #expect(silent.status == 400)
            let done = try await browser.go(
                .post, "/console/policy/1/rollback", form: ["csrf": csrf, "comment": "too early", "expected": "2"])
            #expect(done.status == 303 && done.headers[.location] == "/console/policy/3")
            let latest = try #require(try await PolicyStore(client: client).currentRevision())
            #expect(latest.number == 3 && latest.createdBy == "tess")
            #expect(latest.comment == "rollback to revision 1: too early")
            let stale = try await browser.go(
                .post, "/console/policy/1/rollback", form: ["csrf": csrf, "comment": "again", "expected": "2"])
            #expect(stale.status == 409, "the plan was made against revision 2")
            #expect(try await browser.go(.get, "/console/policy/3").html.contains("too early"))
        }
    }

    /// examples/policy as one text of YAML documents, with `change` applied.
    static func pastedPolicy(_ change: (String) -> String = { $0 }) throws -> String {
        let directory = TestServers.repositoryRoot.appending(path: "examples/policy")
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".yaml") }
            .sorted().map { "---\n" + (try String(contentsOf: directory.appending(path: $0), encoding: .utf8)) }
            .joined(separator: "\n").replacingOccurrences(
                of: "{ group: ai-pilot, ring: 3, priority: 20 }",
                with: change("{ group: ai-pilot, ring: 3, priority: 20 }"))
    }

    @Test("an admin publishes from the console: preview with every person affected, then a comment; mistakes located")
    func publishFromTheConsole() async throws {
        try await Self.withConsole { browser, client in
            try await Self.publishTwoRevisions(client)
            _ = try await browser.signIn("tess", "tess-secret")
            let form = try await browser.go(.get, "/console/policy/publish")
            let csrf = try #require(form.hidden("csrf"))
            #expect(form.hidden("expected") == "2")
            let broken = try await browser.go(
                .post, "/console/policy/publish",
                form: ["csrf": csrf, "expected": "2", "policy": "pack: p\nversion: one\n", "action": "preview"])
            #expect(
                broken.status == 422 && broken.html.contains("does not validate")
                    && broken.html.contains("policy.yaml:2"))
            let policy = try Self.pastedPolicy()
            let preview = try await browser.go(
                .post, "/console/policy/publish",
                form: ["csrf": csrf, "expected": "2", "policy": policy, "action": "preview"])
            #expect(preview.status == 200 && preview.html.contains("ring mapping ai-pilot: ring: 4 → 3"))
            #expect(preview.html.contains("Every person whose level changes"))
            #expect(try await PolicyStore(client: client).currentRevision()?.number == 2, "a preview publishes nothing")
            let silent = try await browser.go(
                .post, "/console/policy/publish",
                form: ["csrf": csrf, "expected": "2", "policy": policy, "action": "publish"])
            #expect(silent.status == 400)
            let published = try await browser.go(
                .post, "/console/policy/publish",
                form: [
                    "csrf": csrf, "expected": "2", "policy": policy, "action": "publish",
                    "comment": "ai-pilot back to 3",
                ])
            #expect(published.status == 303 && published.headers[.location] == "/console/policy/3")
            let latest = try #require(try await PolicyStore(client: client).currentRevision())
            #expect(latest.number == 3 && latest.createdBy == "tess" && latest.comment == "ai-pilot back to 3")
            let stale = try await browser.go(
                .post, "/console/policy/publish",
                form: [
                    "csrf": csrf, "expected": "2",
                    "policy": try Self.pastedPolicy { _ in "{ group: ai-pilot, ring: 2, priority: 20 }" },
                    "action": "publish", "comment": "x",
                ])
            #expect(stale.status == 409)
        }
    }

    @Test("a viewer reads revisions but is offered no rollback and may not open one")
    func viewerPolicy() async throws {
        try await Self.withConsole { browser, client in
            try await Self.publishTwoRevisions(client)
            _ = try await browser.signIn("vic", "vic-secret")
            let revisions = try await browser.go(.get, "/console/policy")
            #expect(revisions.status == 200 && !revisions.html.contains("Return to"))
            #expect(try await browser.go(.get, "/console/policy/1/rollback").status == 403)
            #expect(try await browser.go(.get, "/console/policy/publish").status == 403)
        }
    }
}

/// The Content-Security-Policy the console promises (docs/console.md), written out here so
/// a change to it is a deliberate one.
enum ConsoleHeadersExpectation {
    static let policy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
}
