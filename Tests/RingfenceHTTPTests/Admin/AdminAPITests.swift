import Foundation
import Hummingbird
import PostgresNIO
import RingfenceCore
import RingfenceHTTP
import RingfenceStore
import RingfenceTestSupport
import Testing

/// The admin API over real HTTP and real PostgreSQL: tokens and roles, pages and filters,
/// publish and rollback with the person as actor, limits and errors as problem documents.
@Suite("Admin API", .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct AdminAPITests {
    @Test("no token, a malformed, unknown, SCIM, expired or revoked token: 401 problem with a Bearer challenge")
    func authentication() async throws {
        try await AdminAPIHarness.withAPI { api in
            let scim = APIKey.generate()
            try await api.fleet.createKey(
                kind: .scim, prefix: scim.prefix, hash: scim.hash, label: "entra",
                expiresAt: Date().addingTimeInterval(60))
            let expired = APIKey.generate()
            try await api.fleet.createAdminKey(
                prefix: expired.prefix, hash: expired.hash, label: "old", role: .admin,
                expiresAt: Date().addingTimeInterval(-1))
            for token in ["", "not-a-key", APIKey.generate().text, scim.text, expired.text] {
                let answer = try await api(.get, "/api/v1/me", token: token)
                #expect(answer.status == 401, "\(token)")
                #expect(answer.contentType == "application/problem+json")
                #expect(answer.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                #expect(answer.json?["status"] as? Int == 401)
            }
            #expect(
                try await api(.get, "/api/v1/me", token: expired.text).json?["detail"] as? String
                    == "API key \(expired.prefix) expired; enrol again")
        }
    }

    @Test("what each role may do: 403 problems for the rest, the same for every write")
    func roles() async throws {
        try await AdminAPIHarness.withAPI { api in
            let publish: [String: Any] = ["files": try AdminAPIHarness.examplePolicy(), "comment": "x"]
            let expectations: [(AdminRole, String, HTTPRequest.Method, [String: Any]?, Int)] = [
                (.viewer, "/api/v1/hosts", .get, nil, 200),
                (.viewer, "/api/v1/groups", .get, nil, 200),
                (.viewer, "/api/v1/policy/publish", .post, publish, 403),
                (.viewer, "/api/v1/tokens", .get, nil, 403),
                (.operator, "/api/v1/fleet", .get, nil, 200),
                (.operator, "/api/v1/policy/publish", .post, publish, 403),
                (.operator, "/api/v1/policy/rollback", .post, ["to": 1, "comment": "x"], 403),
                (.operator, "/api/v1/tokens", .post, ["label": "x", "role": "admin"], 403),
                (.manager, "/api/v1/fleet", .get, nil, 403),
                (.manager, "/api/v1/hosts", .get, nil, 403),
                (.manager, "/api/v1/resolve", .post, ["user": "alice"], 403),
                (.manager, "/api/v1/revisions", .get, nil, 403),
                (.manager, "/api/v1/groups", .get, nil, 200),
            ]
            for (role, path, method, body, status) in expectations {
                let answer = try await api(method, path, as: role, json: body)
                #expect(
                    answer.status == status,
                    "\(role) \(method) \(path): \(String(decoding: answer.body, as: UTF8.self))")
                if status == 403 { #expect(answer.contentType == "application/problem+json") }
            }
            #expect(try await api(.get, "/api/v1/revisions").items.isEmpty, "the refused publishes wrote nothing")
        }
    }

    @Test("a manager sees the groups they own, by list and by URL, and no other")
    func managerScope() async throws {
        try await AdminAPIHarness.withAPI { api in
            let me = try await api(.get, "/api/v1/me", as: .manager).json
            #expect(me?["name"] as? String == "mia" && me?["role"] as? String == "manager")
            #expect(me?["ownedGroups"] as? [String] == ["web"])
            let listed = try await api(.get, "/api/v1/groups", as: .manager).items.map { $0["name"] as? String }
            #expect(listed == ["web"])
            let web = try await api(.get, "/api/v1/groups/web", as: .manager)
            #expect(web.status == 200)
            #expect(web.json?["members"] as? [String] == ["alice", "bob"])
            #expect(web.json?["owners"] as? [String] == ["mia"])
            for other in ["mobile", "engineering", "nonexistent"] {
                #expect(try await api(.get, "/api/v1/groups/\(other)", as: .manager).status == 403, "\(other)")
            }
            #expect(try await api(.get, "/api/v1/groups/mobile", as: .viewer).status == 200)
            #expect(try await api(.get, "/api/v1/groups/nonexistent", as: .viewer).status == 404)
            let all = try await api(.get, "/api/v1/groups", as: .viewer).items.map { $0["name"] as? String }
            #expect(all == ["engineering", "mobile", "web", "web_ops", "webxops"])
        }
    }

    @Test("hosts a page at a time: every host once, in name order; filters by state, agent, name prefix, user")
    func hostPages() async throws {
        try await AdminAPIHarness.withAPI { api in
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let query = "/api/v1/hosts?limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await api(.get, query)
                #expect(page.status == 200)
                seen += page.items.compactMap { $0["hostname"] as? String }
                cursor = page.json?["nextCursor"] as? String
                pages += 1
            } while cursor != nil && pages < 10
            #expect(seen == (1...7).map { "h\($0).example.com" })
            #expect(pages == 3)
            func names(_ query: String) async throws -> [String] {
                try await api(.get, "/api/v1/hosts?\(query)").items.compactMap { $0["hostname"] as? String }
            }
            #expect(try await names("status=connected") == ["h1.example.com", "h2.example.com", "h3.example.com"])
            #expect(try await names("status=stale") == ["h4.example.com", "h5.example.com"])
            #expect(try await names("status=silent") == ["h6.example.com", "h7.example.com"])
            #expect(try await names("status=drifted") == ["h4.example.com"])
            #expect(try await names("agent=cursor") == ["h4.example.com"])
            #expect(try await names("agent=claude-code&status=connected") == ["h1.example.com"])
            #expect(try await names("user=alice") == ["h1.example.com"])
            #expect(try await names("hostname=H7") == ["h7.example.com"])
            let summary = try await api(.get, "/api/v1/fleet").json
            #expect(summary?["hosts"] as? Int == 7 && summary?["connected"] as? Int == 3)
            #expect(summary?["stale"] as? Int == 2 && summary?["silent"] as? Int == 2)
            #expect(summary?["drifted"] as? Int == 1 && summary?["missingUsers"] as? Int == 2, "carol and mia")
            let first = try await api(.get, "/api/v1/hosts?limit=1").items.first
            let id = try #require(first?["id"] as? String)
            let host = try await api(.get, "/api/v1/hosts/\(id)").json
            #expect((host?["mcpServers"] as? [[String: Any]])?.first?["name"] as? String == "github")
            #expect((host?["agents"] as? [[String: Any]])?.first?["hookState"] as? String == "installed")
            // Approved: named in the catalogue of the policy in force (none before a publish).
            try await api.client.query(
                """
                INSERT INTO host_mcp_servers (host_id, agent_kind, name, transport, endpoint, scope)
                VALUES (\(UUID(uuidString: id)), 'claude-code', 'scratchpad', 'stdio', 'node scratch.js', 'user')
                """)
            func approval() async throws -> [String: Bool] {
                let servers = try await api(.get, "/api/v1/hosts/\(id)").json?["mcpServers"] as? [[String: Any]] ?? []
                return Dictionary(
                    uniqueKeysWithValues: servers.compactMap { server in
                        (server["name"] as? String).map { ($0, server["approved"] as? Bool ?? false) }
                    })
            }
            #expect(try await approval() == ["github": false, "scratchpad": false])
            let files = try AdminAPIHarness.examplePolicy()
            #expect(
                try await api(.post, "/api/v1/policy/publish", json: ["files": files, "comment": "c"]).status == 200)
            #expect(try await approval() == ["github": true, "scratchpad": false])
            #expect(try await api(.get, "/api/v1/hosts/\(UUID().uuidString)").status == 404)
            #expect(try await api(.get, "/api/v1/hosts/not-a-uuid").status == 400)
        }
    }

    @Test("group names with LIKE's wildcards are matched literally")
    func literalPrefix() async throws {
        try await AdminAPIHarness.withAPI { api in
            let names = try await api(.get, "/api/v1/groups?name=web_").items.compactMap { $0["name"] as? String }
            #expect(names == ["web_ops"])
        }
    }

    @Test("publish and rollback through the API: the token's person is the actor, stale plans are refused")
    func publishAndRollback() async throws {
        try await AdminAPIHarness.withAPI { api in
            let files = try AdminAPIHarness.examplePolicy()
            let preview = try await api(.post, "/api/v1/policy/preview", json: ["files": files])
            #expect(preview.status == 200)
            #expect(
                (preview.json?["changes"] as? [String])?.contains("+ ring mapping engineering → ring 2 (priority 10)")
                    == true)
            #expect(try await api(.get, "/api/v1/revisions").items.isEmpty, "a preview publishes nothing")
            let first = try await api(
                .post, "/api/v1/policy/publish", json: ["files": files, "comment": "first", "expectedRevision": 0])
            #expect(first.status == 200 && first.json?["published"] as? Int == 1)
            let again = try await api(
                .post, "/api/v1/policy/publish", json: ["files": files, "comment": "again", "expectedRevision": 0])
            #expect(again.status == 409, "expected revision 0, but 1 is current")
            var changed = files
            let index = try #require(changed.firstIndex { $0["name"] == "mappings.yaml" })
            changed[index]["text"] = changed[index]["text"]!.replacingOccurrences(
                of: "{ group: engineering, ring: 2, priority: 10 }",
                with: "{ group: engineering, ring: 3, priority: 10 }")
            let second = try await api(
                .post, "/api/v1/policy/publish",
                json: ["files": changed, "comment": "engineering to 3", "expectedRevision": 1])
            #expect(second.json?["published"] as? Int == 2)
            #expect(
                (second.json?["plan"] as? [String: Any])?["changes"] as? [String] == [
                    "~ ring mapping engineering: ring: 2 → 3"
                ])
            let ring = try await api(.get, "/api/v1/groups/engineering").json?["group"] as? [String: Any]
            #expect(ring?["ring"] as? Int == 3)
            let planOnly = try await api(
                .post, "/api/v1/policy/rollback", json: ["to": 1, "comment": "too early", "previewOnly": true])
            #expect(planOnly.status == 200 && planOnly.json?["published"] == nil)
            let back = try await api(.post, "/api/v1/policy/rollback", json: ["to": 1, "comment": "too early"])
            #expect(back.json?["published"] as? Int == 3)
            let revisions = try await api(.get, "/api/v1/revisions").items
            #expect(revisions.map { $0["createdBy"] as? String } == ["tess", "tess", "tess"])
            #expect(revisions.first?["comment"] as? String == "rollback to revision 1: too early")
            #expect(revisions.first?["rolledBackFrom"] as? Int == 1)
            let history = try await PolicyStore(client: api.client).revisions(limit: 3)
            #expect(history.map(\.createdBy) == ["tess", "tess", "tess"])
            #expect(
                try await api(.get, "/api/v1/revisions/2").json?["changes"] as? [String]
                    == ["~ ring mapping engineering: ring: 2 → 3"])
            #expect(try await api(.get, "/api/v1/revisions/9").status == 404)
            #expect(try await api(.post, "/api/v1/policy/rollback", json: ["to": 9, "comment": "x"]).status == 404)
        }
    }

    @Test("policy files that do not validate: 422 with every problem by file and line; bad names too")
    func invalidPolicy() async throws {
        try await AdminAPIHarness.withAPI { api in
            let broken = [["name": "packs.yaml", "text": "pack: p\nversion: one\nrules: []\n"]]
            let answer = try await api(.post, "/api/v1/policy/preview", json: ["files": broken])
            #expect(answer.status == 422)
            let problems = try #require(answer.json?["problems"] as? [String])
            #expect(problems.contains { $0.hasPrefix("packs.yaml:2") }, "\(problems)")
            let named = try await api(
                .post, "/api/v1/policy/preview", json: ["files": [["name": "../x.txt", "text": ""]]])
            #expect(named.status == 422)
            #expect(try await api(.post, "/api/v1/policy/preview", json: ["files": []]).status == 400)
        }
    }

    @Test("resolve and explain: the directory's groups unless given, the trace when asked, clear errors")
    func resolve() async throws {
        try await AdminAPIHarness.withAPI { api in
            let files = try AdminAPIHarness.examplePolicy()
            _ = try await api(.post, "/api/v1/policy/publish", json: ["files": files, "comment": "p"])
            let alice = try await api(.post, "/api/v1/resolve", as: .viewer, json: ["user": "alice", "trace": true])
            #expect(alice.status == 200)
            #expect(alice.json?["groups"] as? [String] == ["engineering", "web"])
            #expect(alice.json?["ring"] as? Int == 2)
            #expect((alice.json?["trace"] as? [[String: Any]])?.isEmpty == false)
            #expect((alice.json?["text"] as? String)?.contains("alice") == true)
            let whatIf = try await api(.post, "/api/v1/resolve", json: ["user": "alice", "groups": ["security"]])
            #expect(whatIf.json?["ring"] as? Int == 4 && whatIf.json?["trace"] == nil)
            #expect(
                try await api(.post, "/api/v1/resolve", json: ["user": "alice", "host": UUID().uuidString]).status
                    == 404)
            #expect(
                try await api(.post, "/api/v1/resolve", json: ["user": "alice", "surfaces": ["Not A Surface"]]).status
                    == 400)
            #expect(try await api(.post, "/api/v1/resolve", json: ["user": "alice", "hostRing": 7]).status == 400)
            #expect(try await api(.post, "/api/v1/resolve", json: ["user": ""]).status == 400)
            // maxLength counts code points, as JSON Schema does: a flag is two (found by schemathesis).
            let flagged = "🇺🇸" + String(repeating: "*", count: 254)
            #expect(
                try await api(.post, "/api/v1/resolve", json: ["user": "alice", "groups": [flagged]]).status == 400)
            let fits = "🇺🇸" + String(repeating: "*", count: 253)
            #expect(try await api(.post, "/api/v1/resolve", json: ["user": "alice", "groups": [fits]]).status != 400)
        }
    }

    @Test("tokens through the API: shown once, listed without secrets, made by the caller, revoked at once")
    func tokens() async throws {
        try await AdminAPIHarness.withAPI { api in
            let made = try await api(.post, "/api/v1/tokens", json: ["label": "ci-bot", "role": "viewer", "days": 7])
            #expect(made.status == 201)
            let secret = try #require(made.json?["secret"] as? String)
            let token = try #require(made.json?["token"] as? [String: Any])
            #expect(token["createdBy"] as? String == "tess" && token["role"] as? String == "viewer")
            #expect(try await api(.get, "/api/v1/me", token: secret).json?["name"] as? String == "ci-bot")
            #expect(
                try await api(.post, "/api/v1/policy/rollback", json: ["to": 1, "comment": "x"], token: secret).status
                    == 403)
            let listed = try await api(.get, "/api/v1/tokens?limit=2")
            #expect(listed.items.first?["label"] as? String == "ci-bot")
            #expect(!String(decoding: listed.body, as: UTF8.self).contains(secret))
            #expect(listed.json?["nextCursor"] != nil)
            let prefix = try #require(token["prefix"] as? String)
            #expect(try await api(.delete, "/api/v1/tokens/\(prefix)").status == 204)
            #expect(try await api(.get, "/api/v1/me", token: secret).status == 401)
            #expect(try await api(.delete, "/api/v1/tokens/\(prefix)").status == 404)
            #expect(try await api(.post, "/api/v1/tokens", json: ["label": "a b", "role": "viewer"]).status == 400)
        }
    }

    @Test(
        "limits and unknown routes: 413 over 8 MiB, 400 for null, NUL, limit out of range or a foreign cursor, 405, 404"
    )
    func limits() async throws {
        try await AdminAPIHarness.withAPI { api in
            let large =
                Array("{\"files\":[{\"name\":\"a.yaml\",\"text\":\"".utf8)
                + Array(repeating: UInt8(ascii: "a"), count: 9 << 20)
                + Array("\"}]}".utf8)
            let tooLarge = try await api(.post, "/api/v1/policy/preview", bytes: large)
            #expect(tooLarge.status == 413 && tooLarge.contentType == "application/problem+json")
            #expect(try await api(.post, "/api/v1/resolve", json: ["user": "alice", "host": NSNull()]).status == 400)
            let nul = try await api(.post, "/api/v1/resolve", json: ["user": "F\u{0}x"])
            #expect(nul.status == 400 && (nul.json?["detail"] as? String)?.contains("NUL") == true)
            #expect(try await api(.get, "/api/v1/hosts?user=a%00b").status == 400)
            #expect(try await api(.get, "/api/v1/groups/a%00b").status == 400)
            #expect(try await api(.get, "/api/v1/hosts?limit=0").status == 400)
            #expect(try await api(.get, "/api/v1/hosts?limit=501").status == 400)
            #expect(try await api(.get, "/api/v1/hosts?cursor=bm90LWEtY3Vyc29y").status == 400)
            #expect(try await api(.get, "/api/v1/hosts?staleAfterSeconds=1").status == 400)
            let method = try await api(.put, "/api/v1/hosts")
            #expect(method.status == 405 && method.headers[.allow] == "GET")
            let missing = try await api(.get, "/api/v1/nothing")
            #expect(missing.status == 404 && missing.contentType == "application/problem+json")
        }
    }

    @Test("a token's rate limit: 429 with Retry-After once the burst is spent")
    func rateLimit() async throws {
        try await AdminAPIHarness.withAPI(configuration: .init(ratePerSecond: 0.001, burst: 2, tokenCacheSeconds: 0)) {
            api in
            #expect(try await api(.get, "/api/v1/me").status == 200)
            #expect(try await api(.get, "/api/v1/me").status == 200)
            let limited = try await api(.get, "/api/v1/me")
            #expect(limited.status == 429 && limited.headers[.retryAfter] != nil)
            #expect(try await api(.get, "/api/v1/me", as: .viewer).status == 200, "per token")
        }
    }
}
