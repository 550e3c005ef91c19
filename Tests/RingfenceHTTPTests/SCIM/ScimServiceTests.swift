import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import RingfenceCore
import RingfenceHTTP
import RingfenceSCIM
import RingfenceStore
import RingfenceTestSupport
import Testing

/// The SCIM listener over real HTTP (Hummingbird's live test server on loopback) and real
/// PostgreSQL: tokens, the request sequences of Entra ID and Okta, hostile input.
@Suite("SCIM service", .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct ScimServiceTests {
    /// A live SCIM app with a token of provider `entra`; `body` gets a request function.
    static func withService(
        _ configuration: ScimServer.Configuration = .init(tokenCacheSeconds: 0),
        _ body: @Sendable (_ request: Requester, _ client: PostgresClient, _ fleet: FleetStore) async throws -> Void
    ) async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let fleet = FleetStore(client: client)
            let token = APIKey.generate()
            try await fleet.createKey(
                kind: .scim, prefix: token.prefix, hash: token.hash, label: "entra",
                expiresAt: Date().addingTimeInterval(3_600))
            let router = ScimServer.router(client: client, configuration: configuration, logger: Logger(label: "test"))
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            try await app.test(.live) { http in
                // Our own client: HummingbirdTesting's gives each request 20 s, a wall-clock
                // budget that pipelined requests on two busy cores ran out of; this one only
                // guards against hangs.
                let port = try #require(http.port)
                let tester = TestClient(
                    host: "localhost", port: port, configuration: .init(timeout: HangGuard.timeout))
                tester.connect()
                do {
                    try await body(Requester(http: tester, token: token.text), client, fleet)
                    try await tester.shutdown()
                } catch {
                    try await tester.shutdown()
                    throw error
                }
            }
        }
    }

    struct Requester: Sendable {
        let http: TestClient
        let token: String

        /// Sends a request (a token unless `token` says otherwise); returns status and JSON.
        func callAsFunction(
            _ method: HTTPRequest.Method, _ path: String, _ body: String? = nil, bytes: [UInt8]? = nil,
            token: String? = nil
        ) async throws -> (status: Int, json: ScimJSON?) {
            var headers: HTTPFields = [.contentType: "application/scim+json"]
            headers[.authorization] = "Bearer \(token ?? self.token)"
            let payload = bytes ?? body.map { Array($0.utf8) }
            headers[.connection] = "keep-alive"
            let response = try await http.execute(
                TestClient.Request(
                    path, method: method, authority: "localhost", headers: headers,
                    body: payload.map { ByteBuffer(bytes: $0) }))
            let data = Array(response.body?.readableBytesView ?? ByteBuffer().readableBytesView)
            return (Int(response.head.status.code), data.isEmpty ? nil : try? ScimJSON.parse(data))
        }
    }

    @Test("no token, a malformed, unknown, revoked or agent key: 401 with a SCIM error, nothing served")
    func tokens() async throws {
        try await Self.withService { request, _, fleet in
            let unknown = APIKey.generate().text
            for token in ["", "not-a-key", unknown] {
                let (status, json) = try await request(.get, "/scim/v2/Users", token: token)
                #expect(status == 401 && json?[attribute: "status"]?.string == "401", "\(token)")
                #expect(json?[attribute: "schemas"]?.array?.first?.string == ScimSchema.error)
            }
            let revoked = APIKey.generate()
            try await fleet.createKey(
                kind: .scim, prefix: revoked.prefix, hash: revoked.hash, label: "okta",
                expiresAt: Date().addingTimeInterval(60))
            #expect(try await request(.get, "/scim/v2/Users", token: revoked.text).status == 200)
            _ = try await fleet.revokeKey(prefix: revoked.prefix)
            #expect(try await request(.get, "/scim/v2/Users", token: revoked.text).status == 401)
            let admin = APIKey.generate()
            try await fleet.createAdminKey(
                prefix: admin.prefix, hash: admin.hash, label: "ops", expiresAt: Date().addingTimeInterval(60))
            #expect(try await request(.get, "/scim/v2/Users", token: admin.text).status == 401, "only SCIM tokens")
        }
    }

    @Test("Entra ID's user sequence: lookup before create, create, lookup, PATCH \"False\", duplicate, delete")
    func entraUsers() async throws {
        try await Self.withService { request, _, _ in
            let lookup = #"/scim/v2/Users?filter=userName+eq+%22Test_User_ab6490ee%40testuser.com%22"#
            #expect(try await request(.get, lookup).json?[attribute: "totalResults"] == .number(0))
            let create = #"""
                {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
                 "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef", "userName": "Test_User_ab6490ee@testuser.com", "active": true,
                 "emails": [{"primary": true, "type": "work", "value": "Test_User_ab6490ee@testuser.com"}],
                 "meta": {"resourceType": "User"}, "name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
                 "roles": []}
                """#
            let (status, created) = try await request(.post, "/scim/v2/Users", create)
            #expect(status == 201)
            let id = try #require(created?[attribute: "id"]?.string)
            #expect(
                created?[attribute: "meta"]?[attribute: "location"]?.string?.hasSuffix("/scim/v2/Users/\(id)") == true)
            let found = try await request(.get, lookup).json
            #expect(found?[attribute: "totalResults"] == .number(1))
            #expect(found?[attribute: "Resources"]?.array?.first?[attribute: "id"]?.string == id)
            let patched = try await request(
                .patch, "/scim/v2/Users/\(id)",
                #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "Replace", "path": "active", "value": "False"}]}"#
            )
            #expect(patched.status == 200 && patched.json?[attribute: "active"] == .bool(false))
            let duplicate = try await request(.post, "/scim/v2/Users", create)
            #expect(duplicate.status == 409 && duplicate.json?[attribute: "scimType"]?.string == "uniqueness")
            #expect(try await request(.delete, "/scim/v2/Users/\(id)").status == 204)
            #expect(try await request(.get, "/scim/v2/Users/\(id)").status == 404)
        }
    }

    @Test(
        "Okta's group push: create with a member, add in bulk, remove by members[value eq …], rename, list without members"
    )
    func oktaGroups() async throws {
        try await Self.withService { request, _, _ in
            var ids: [String] = []
            for name in ["ann", "ben", "cat"] {
                let created = try await request(
                    .post, "/scim/v2/Users",
                    #"{"schemas": ["\#(ScimSchema.user)"], "userName": "\#(name)@okta.local", "active": true}"#)
                ids.append(try #require(created.json?[attribute: "id"]?.string))
            }
            let (status, group) = try await request(
                .post, "/scim/v2/Groups",
                #"{"schemas": ["\#(ScimSchema.group)"], "displayName": "Test SCIMv2", "members": [{"value": "\#(ids[0])", "display": "ann"}]}"#
            )
            #expect(status == 201)
            let groupID = try #require(group?[attribute: "id"]?.string)
            let patch = { (operations: String) in
                #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": \#(operations)}"#
            }
            _ = try await request(
                .patch, "/scim/v2/Groups/\(groupID)",
                patch(
                    #"[{"op": "add", "path": "members", "value": [{"value": "\#(ids[1])"}, {"value": "\#(ids[2])"}]}]"#)
            )
            _ = try await request(
                .patch, "/scim/v2/Groups/\(groupID)",
                patch(#"[{"op": "remove", "path": "members[value eq \"\#(ids[0])\"]"}]"#))
            let renamed = try await request(
                .patch, "/scim/v2/Groups/\(groupID)",
                patch(#"[{"op": "replace", "value": {"id": "\#(groupID)", "displayName": "Renamed"}}]"#))
            #expect(renamed.status == 200 && renamed.json?[attribute: "displayName"]?.string == "Renamed")
            let members = renamed.json?[attribute: "members"]?.array?.compactMap { $0[attribute: "value"]?.string }
            #expect(Set(members ?? []) == [ids[1], ids[2]])
            let listed = try await request(
                .get, #"/scim/v2/Groups?filter=displayName%20eq%20%22Renamed%22&excludedAttributes=members"#)
            #expect(listed.json?[attribute: "totalResults"] == .number(1))
            #expect(listed.json?[attribute: "Resources"]?.array?.first?[attribute: "members"] == nil)
            let user = try await request(.get, "/scim/v2/Users/\(ids[1])")
            #expect(user.json?[attribute: "groups"]?.array?.first?[attribute: "display"]?.string == "Renamed")
            #expect(try await request(.delete, "/scim/v2/Groups/\(groupID)").status == 204)
        }
    }

    @Test("hostile input is a SCIM error and changes nothing: huge, deep, invalid UTF-8, injected filters, bad ids")
    func hostile() async throws {
        try await Self.withService { request, client, _ in
            let huge = Array(
                (#"{"userName": ""# + String(repeating: "x", count: ScimService.maxBodyBytes) + #""}"#).utf8)
            let deep = Array((String(repeating: #"{"a":"#, count: 100) + "1" + String(repeating: "}", count: 100)).utf8)
            let cases: [(HTTPRequest.Method, String, [UInt8], Int, String?)] = [
                (.post, "/scim/v2/Users", huge, 413, nil),
                (.post, "/scim/v2/Users", deep, 400, "invalidSyntax"),
                (.post, "/scim/v2/Users", [0x7B, 0x22, 0xC3, 0x28, 0x22, 0x7D], 400, "invalidSyntax"),
                (.post, "/scim/v2/Users", Array(#"{"userName": "a\u0000"}"#.utf8), 400, "invalidValue"),
                (
                    .get, #"/scim/v2/Users?filter=userName%20eq%20%22x%22%3B%20DROP%20TABLE%20directory_users"#, [],
                    400, "invalidFilter"
                ),
                (.get, #"/scim/v2/Users?filter=userName%20sw%20%22a%22"#, [], 400, "invalidFilter"),
                (.get, #"/scim/v2/Users?filter=password%20eq%20%22a%22"#, [], 400, "invalidFilter"),
                (.get, "/scim/v2/Users/1%20OR%201=1", [], 404, nil),
                (.get, "/scim/v2/Users/a%00b", [], 400, "invalidValue"),
                (.get, #"/scim/v2/Groups?filter=displayName%20eq%20%22a%00%22"#, [], 400, "invalidValue"),
                (
                    .post, "/scim/v2/Groups",
                    Array(#"{"schemas": ["\#(ScimSchema.group)"], "displayName": "g\u0000"}"#.utf8),
                    400, "invalidValue"
                ),
                (.patch, "/scim/v2/Groups/\(UUID())", Array(#"{"Operations": []}"#.utf8), 400, "invalidSyntax"),
            ]
            for (method, path, body, status, kind) in cases {
                let response = try await request(method, path, bytes: body)
                #expect(response.status == status, "\(method) \(path.prefix(80))")
                #expect(response.json?[attribute: "scimType"]?.string == kind, "\(path.prefix(80))")
                #expect(response.json?[attribute: "schemas"]?.array?.first?.string == ScimSchema.error)
            }
            let rows = try await client.query("SELECT count(*) FROM directory_users")
            for try await count in rows.decode(Int.self) { #expect(count == 0) }
        }
    }

    @Test("discovery: the service provider configuration, resource types and schemas")
    func discovery() async throws {
        try await Self.withService { request, _, _ in
            let config = try await request(.get, "/scim/v2/ServiceProviderConfig")
            #expect(config.json?[attribute: "patch"]?[attribute: "supported"] == .bool(true))
            #expect(config.json?[attribute: "bulk"]?[attribute: "supported"] == .bool(false))
            let types = try await request(.get, "/scim/v2/ResourceTypes").json?[attribute: "Resources"]?.array
            #expect(types?.compactMap { $0[attribute: "id"]?.string } == ["User", "Group"])
            let schemas = try await request(.get, "/scim/v2/Schemas").json?[attribute: "Resources"]?.array
            #expect(
                schemas?.compactMap { $0[attribute: "id"]?.string } == [
                    ScimSchema.user, ScimSchema.group, ScimSchema.enterpriseUser,
                ])
            #expect(try await request(.get, "/scim/v2/Schemas/\(ScimSchema.group)").status == 200)
            #expect(try await request(.get, "/scim/v2/ResourceTypes/Widget").status == 404)
            let refused = try await request(.put, "/scim/v2/ServiceProviderConfig", "{}")
            #expect(refused.status == 405 && refused.json?[attribute: "status"]?.string == "405")
            let nowhere = try await request(.get, "/scim/v2/Widgets/1")
            #expect(
                nowhere.status == 404 && nowhere.json?[attribute: "schemas"]?.array?.first?.string == ScimSchema.error)
        }
    }

    @Test("past the burst guard a DELETE or PATCH is held (202, nothing changed) until an operator releases it")
    func burstGuard() async throws {
        let configuration = ScimServer.Configuration(
            tokenCacheSeconds: 0, burstGuard: ScimBurstGuard(maxCount: 1, maxShare: 1, minimum: 0))
        try await Self.withService(configuration) { request, client, _ in
            var ids: [String] = []
            for name in ["ann", "ben"] {
                ids.append(
                    try #require(
                        try await request(.post, "/scim/v2/Users", #"{"userName": "\#(name)"}"#).json?[attribute: "id"]?
                            .string))
            }
            #expect(try await request(.delete, "/scim/v2/Users/\(ids[0])").status == 204)
            let held = try await request(
                .patch, "/scim/v2/Users/\(ids[1])",
                #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [{"op": "replace", "value": {"active": false}}]}"#
            )
            #expect(held.status == 202)
            #expect(held.json?[attribute: "detail"]?.string?.contains("held for an operator as change") == true)
            #expect(
                try await request(.get, "/scim/v2/Users/\(ids[1])").json?[attribute: "active"] == nil, "not applied")
            let store = ScimStore(client: client, provider: "entra")
            let waiting = try await store.heldChanges()
            #expect(waiting.count == 1 && waiting.first?.method == "PATCH" && waiting.first?.resource == "Users")
            let change = try ScimChange(held: try #require(waiting.first))
            _ = try await change.apply(to: store)
            #expect(try await store.decide(heldID: waiting[0].id, status: "released", by: "ops", outcome: "applied"))
            #expect(try await request(.get, "/scim/v2/Users/\(ids[1])").json?[attribute: "active"] == .bool(false))
            #expect(try await store.heldChanges().isEmpty)
        }
    }

    @Test("the same user created by eight requests at once: one 201, seven 409 uniqueness")
    func concurrentCreates() async throws {
        try await Self.withService { request, _, _ in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { tasks in
                for _ in 0..<8 {
                    tasks.addTask {
                        try await request(.post, "/scim/v2/Users", #"{"userName": "same@example.com"}"#).status
                    }
                }
                var statuses: [Int] = []
                for try await status in tasks { statuses.append(status) }
                return statuses.sorted()
            }
            #expect(statuses == [201] + Array(repeating: 409, count: 7))
        }
    }

    @Test("searches by POST …/.search and /.search, and attributes chosen on GET")
    func searches() async throws {
        try await Self.withService { request, _, _ in
            for name in ["ann", "ben"] {
                _ = try await request(
                    .post, "/scim/v2/Users", #"{"userName": "\#(name)", "displayName": "\#(name.uppercased())"}"#)
            }
            _ = try await request(.post, "/scim/v2/Groups", #"{"displayName": "ann"}"#)
            let search =
                #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": "displayName eq \"ann\"", "attributes": ["displayName"]}"#
            let users = try await request(.post, "/scim/v2/Users/.search", search)
            #expect(users.json?[attribute: "totalResults"] == .number(1))
            let first = users.json?[attribute: "Resources"]?.array?.first
            #expect(first?[attribute: "displayName"] == .string("ANN") && first?[attribute: "userName"] == nil)
            let everything = try await request(.post, "/scim/v2/.search", search)
            #expect(everything.json?[attribute: "totalResults"] == .number(2), "the user ANN and the group ann")
            let listed = try await request(.get, "/scim/v2/Users?attributes=userName&count=1&startIndex=2")
            #expect(listed.json?[attribute: "totalResults"] == .number(2))
            #expect(listed.json?[attribute: "Resources"]?.array?.first?[attribute: "userName"] == .string("ben"))
            #expect(listed.json?[attribute: "Resources"]?.array?.first?[attribute: "displayName"] == nil)
        }
    }
}
