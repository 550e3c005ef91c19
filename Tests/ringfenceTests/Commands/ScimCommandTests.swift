import Foundation
import PostgresNIO
import RingfenceSCIM
import RingfenceStore
import RingfenceTestSupport
import Testing

/// `ringfence scim held | release | discard` as processes, on changes the burst guard held.
@Suite("ringfence scim", .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct ScimCommandTests {
    @Test("held changes are listed, released in order (applied, recorded) or discarded (nothing applied)")
    func heldReleaseDiscard() async throws {
        try await TestServers.withMigratedDatabase { client, database in
            let ringfence = try RingfenceExecutable(environment: [
                "RINGFENCE_DATABASE_URL": RingfenceExecutable.databaseURL(database), "USER": "ops",
            ])
            let store = ScimStore(client: client, provider: "entra")
            let ann = try await store.createUser(ScimUser(userName: "ann"))
            let ben = try await store.createUser(ScimUser(userName: "ben"))
            let first = try await store.hold(
                method: "DELETE", resource: "Users", id: ann.id, body: "", reason: "501 users removed")
            let second = try await store.hold(
                method: "PATCH", resource: "Users", id: ben.id,
                body:
                    #"{"schemas": ["\#(ScimSchema.patchOp)"], "Operations": [{"op": "replace", "value": {"active": false}}]}"#,
                reason: "502 users removed")
            let listed = try ringfence.run(["scim", "held"])
            #expect(
                listed.contains("\(first)  held") && listed.contains("DELETE /Users/\(ann.id.uuidString.lowercased())"))
            #expect(listed.contains("\(second)  held") && listed.contains("502 users removed"))

            #expect(try ringfence.run(["scim", "release", String(first)]).contains("released \(first)"))
            #expect(try await store.user(id: ann.id) == nil, "the held DELETE applied")
            #expect(try ringfence.run(["scim", "discard", "--provider", "entra"]).contains("discarded \(second)"))
            #expect(try await store.user(id: ben.id)?.user.active == true, "the discarded PATCH never applied")
            #expect(try ringfence.run(["scim", "held"]).contains("no held SCIM changes"))
            let decided = try ringfence.run(["scim", "held", "--all"])
            #expect(decided.contains("\(first)  released") && decided.contains("\(second)  discarded"))
            let again = try ringfence.run(["scim", "release", String(first)], input: Data())
            #expect(again.status != 0 && again.stderr.contains("not held"))
        }
    }
}
