import Foundation
import PostgresNIO
import RingfenceCore
import RingfenceSCIM
import RingfenceStore
import RingfenceTestSupport
import Testing

/// A provider's users and groups in the real mirror: the sequences Entra ID and Okta send,
/// with the history and effective memberships they must leave.
@Suite("SCIM store", .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct ScimStoreTests {
    static func history(_ client: PostgresClient) async throws -> [String] {
        let rows = try await client.query(
            "SELECT change || ' ' || member_dn || ' → ' || group_dn || ' (' || origin || ')' FROM membership_history ORDER BY id"
        )
        var result: [String] = []
        for try await text in rows.decode(String.self) { result.append(text) }
        return result
    }

    static func effective(_ client: PostgresClient) async throws -> Set<String> {
        let rows = try await client.query(
            """
            SELECT u.username || ' in ' || g.name || ' at ' || e.depth FROM effective_memberships e
            JOIN directory_users u ON u.id = e.user_id JOIN directory_groups g ON g.id = e.group_id
            """)
        var result: Set<String> = []
        for try await text in rows.decode(String.self) { result.insert(text) }
        return result
    }

    static func patch(_ operations: String) throws -> ScimGroupChange {
        try ScimGroupChange(
            patch: try ScimPatch(
                json: try ScimJSON.parse(
                    Array(#"{"schemas": ["\#(ScimSchema.patchOp)"], "Operations": \#(operations)}"#.utf8))))
    }

    @Test("Entra ID: create, look up by userName, deactivate with \"False\", delete — and the mirror follows")
    func userLifecycle() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let store = ScimStore(client: client, provider: "entra")
            let directory = DirectoryStore(client: client)
            let created = try await store.createUser(
                ScimUser(userName: "alice@example.com", externalId: "0a21f0f2", givenName: "Alice", roles: ["Lead"]))
            var lookup = ScimStore.UserLookup()
            lookup.userName = "ALICE@example.com"
            let found = try await store.users(lookup, startIndex: 1, count: 10)
            #expect(found.total == 1 && found.resources.first?.id == created.id, "userName compares ignoring case")
            #expect(try await directory.facts(user: "alice@example.com")?.roles == ["lead"])

            let patch = try ScimPatch(
                json: try ScimJSON.parse(
                    Array(
                        #"{"schemas": ["\#(ScimSchema.patchOp)"], "Operations": [{"op": "Replace", "path": "active", "value": "False"}]}"#
                            .utf8)))
            let base = created.user.json(
                id: created.id.uuidString,
                meta: ScimMeta(
                    resourceType: "User", created: created.created, lastModified: created.lastModified, location: "",
                    version: ""))
            let disabled = try await store.modifyUser(id: created.id) { _ in
                try ScimUser(json: try patch.apply(to: base))
            }
            #expect(disabled.user.active == false)
            #expect(
                try await directory.facts(user: "alice@example.com") == nil,
                "a deactivated user has no groups for policy")

            try await store.deleteUser(id: created.id)
            #expect(try await store.user(id: created.id) == nil)
            await #expect {
                try await store.deleteUser(id: created.id)
            } throws: { error in
                (error as? ScimError)?.status == 404
            }
        }
    }

    @Test("409 uniqueness for a taken userName or externalId; another provider sees nothing of this one's")
    func uniquenessAndScope() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let entra = ScimStore(client: client, provider: "entra")
            let okta = ScimStore(client: client, provider: "okta")
            let bob = try await entra.createUser(ScimUser(userName: "bob", externalId: "e-1"))
            for duplicate in [ScimUser(userName: "BOB"), ScimUser(userName: "bobby", externalId: "e-1")] {
                await #expect {
                    try await entra.createUser(duplicate)
                } throws: { error in
                    (error as? ScimError)?.status == 409 && (error as? ScimError)?.kind == .uniqueness
                }
            }
            await #expect(throws: ScimError.self, "names are unique across providers too") {
                try await okta.createUser(ScimUser(userName: "bob"))
            }
            #expect(try await okta.user(id: bob.id) == nil)
            await #expect {
                try await okta.createGroup(ScimGroup(displayName: "eng", members: [bob.id.uuidString]))
            } throws: { error in
                (error as? ScimError)?.kind == .invalidValue
            }
            let group = try await entra.createGroup(ScimGroup(displayName: "eng"))
            await #expect(throws: ScimError.self) { try await entra.createGroup(ScimGroup(displayName: "ENG")) }
            _ = try await okta.createGroup(ScimGroup(displayName: "eng"))  // its own namespace of group names
            await #expect(throws: ScimError.self) { try await okta.deleteGroup(id: group.id) }
        }
    }

    @Test("Okta group push: created with a member, members added, one removed by members[value eq …], renamed")
    func groupPush() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let store = ScimStore(client: client, provider: "okta")
            let ann = try await store.createUser(ScimUser(userName: "ann"))
            let ben = try await store.createUser(ScimUser(userName: "ben"))
            let cat = try await store.createUser(ScimUser(userName: "cat"))
            let group = try await store.createGroup(ScimGroup(displayName: "Platform", members: [ann.id.uuidString]))
            try await store.modifyGroup(
                id: group.id,
                try Self.patch(
                    #"[{"op": "add", "path": "members", "value": [{"value": "\#(ben.id)"}, {"value": "\#(cat.id)"}, {"value": "\#(ann.id)"}]}]"#
                ))
            try await store.modifyGroup(
                id: group.id, try Self.patch(#"[{"op": "remove", "path": "members[value eq \"\#(ann.id)\"]"}]"#))
            let renamed = try await store.modifyGroup(
                id: group.id,
                try Self.patch(#"[{"op": "replace", "value": {"id": "\#(group.id)", "displayName": "Platform Eng"}}]"#))
            #expect(renamed.group.displayName == "Platform Eng")
            #expect(Set(renamed.members.map(\.display)) == ["ben", "cat"])
            #expect(renamed.members.allSatisfy { $0.type == "User" })
            let history = try await Self.history(client)
            #expect(
                history == [
                    "added uid=ann,ou=okta,ou=scim → cn=Platform,ou=okta,ou=scim (scim:okta)",
                    "added uid=ben,ou=okta,ou=scim → cn=Platform,ou=okta,ou=scim (scim:okta)",
                    "added uid=cat,ou=okta,ou=scim → cn=Platform,ou=okta,ou=scim (scim:okta)",
                    "removed uid=ann,ou=okta,ou=scim → cn=Platform,ou=okta,ou=scim (scim:okta)",
                ], "ann added twice is one row; nothing for unchanged members: \(history)")
            #expect(try await Self.effective(client) == ["ben in Platform Eng at 0", "cat in Platform Eng at 0"])
            var byName = ScimStore.GroupLookup()
            byName.displayName = "platform eng"
            let listed = try await store.groups(byName, startIndex: 1, count: 10, members: false)
            #expect(listed.total == 1 && listed.resources.first?.members == [], "excludedAttributes=members")
        }
    }

    @Test("nested groups are flattened, and unflattened when the nesting goes; a deleted group leaves no membership")
    func nesting() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let store = ScimStore(client: client, provider: "entra")
            let dan = try await store.createUser(ScimUser(userName: "dan"))
            let child = try await store.createGroup(ScimGroup(displayName: "payments", members: [dan.id.uuidString]))
            let parent = try await store.createGroup(
                ScimGroup(displayName: "engineering", members: [child.id.uuidString]))
            #expect(try await Self.effective(client) == ["dan in payments at 0", "dan in engineering at 1"])
            _ = try await store.replaceGroup(id: parent.id, with: ScimGroup(displayName: "engineering", members: []))
            #expect(try await Self.effective(client) == ["dan in payments at 0"])
            _ = try await store.modifyGroup(
                id: parent.id,
                try Self.patch(#"[{"op": "add", "path": "members", "value": [{"value": "\#(child.id)"}]}]"#))
            try await store.deleteGroup(id: child.id)
            #expect(try await Self.effective(client) == [])
            #expect(try await store.group(id: parent.id)?.members == [])
        }
    }

    @Test("concurrent PATCHes of one group lose no member")
    func concurrentPatches() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let store = ScimStore(client: client, provider: "okta")
            var users: [UUID] = []
            for index in 0..<24 { users.append(try await store.createUser(ScimUser(userName: "user\(index)")).id) }
            let group = try await store.createGroup(ScimGroup(displayName: "everyone"))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                for user in users {
                    tasks.addTask {
                        try await store.modifyGroup(
                            id: group.id,
                            try Self.patch(#"[{"op": "add", "path": "members", "value": [{"value": "\#(user)"}]}]"#))
                    }
                }
                try await tasks.waitForAll()
            }
            #expect(try await store.group(id: group.id)?.members.count == users.count)
            #expect(try await Self.effective(client).count == users.count)
            let second = try await store.users(ScimStore.UserLookup(), startIndex: 11, count: 10)
            #expect(second.total == 24 && second.resources.map(\.user.userName) == (10..<20).map { "user\($0)" })
            let past = try await store.users(ScimStore.UserLookup(), startIndex: 100, count: 10)
            #expect(past.total == 24 && past.resources.isEmpty, "past the last page the total still counts")
            let groupsPast = try await store.groups(ScimStore.GroupLookup(), startIndex: 5, count: 10)
            #expect(groupsPast.total == 1 && groupsPast.resources.isEmpty)
        }
    }

    @Test("the burst guard holds the deactivation, deletion or member removal past its limit, and counts per provider")
    func burstGuard() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            let limits = ScimBurstGuard(maxCount: 2, maxShare: 1, minimum: 0, windowSeconds: 3_600)
            let store = ScimStore(client: client, provider: "entra", burstGuard: limits)
            var ids: [UUID] = []
            for index in 0..<4 { ids.append(try await store.createUser(ScimUser(userName: "u\(index)")).id) }
            let group = try await store.createGroup(ScimGroup(displayName: "all", members: ids.map(\.uuidString)))
            _ = try await store.modifyUser(id: ids[0]) { user in
                var user = user
                user.active = false
                return user
            }
            try await store.deleteUser(id: ids[1])
            await #expect(throws: ScimStore.Held.self, "a third user removal within the hour") {
                try await store.deleteUser(id: ids[2])
            }
            #expect(try await store.user(id: ids[2]) != nil, "held, not applied")
            try await store.deleteUser(id: ids[0])  // deactivated before: counted then
            // u0 and u1 left the group with their deletion; two member removals pass, two more do not.
            try await store.modifyGroup(id: group.id, ScimGroupChange(removed: [ids[2].uuidString, ids[3].uuidString]))
            try await store.modifyGroup(id: group.id, ScimGroupChange(added: [ids[2].uuidString, ids[3].uuidString]))
            await #expect(throws: ScimStore.Held.self) {
                try await store.modifyGroup(id: group.id, ScimGroupChange(removed: [ids[3].uuidString]))
            }
            #expect(try await store.group(id: group.id)?.members.count == 2, "u2 and u3 still in")
            let other = ScimStore(client: client, provider: "okta", burstGuard: limits)
            let alone = try await other.createUser(ScimUser(userName: "solo"))
            try await other.deleteUser(id: alone.id)  // okta's count is its own
            let unguarded = ScimStore(client: client, provider: "entra")
            try await unguarded.deleteUser(id: ids[2])  // an operator's release: no guard
            #expect(try await store.user(id: ids[2]) == nil)
        }
    }
}
