import Foundation
import Testing

@testable import RingfenceSCIM

/// PATCH requests as Entra ID and Okta send them (docs/scim.md, "What providers send").
@Suite("SCIM PATCH")
struct ScimPatchTests {
    static func patch(_ operations: String) throws -> ScimPatch {
        try ScimPatch(
            json: try ScimJSON.parse(
                Array(
                    #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": \#(operations)}"#
                        .utf8)))
    }

    static let meta = ScimMeta(
        resourceType: "User", created: .distantPast, lastModified: .distantPast, location: "l", version: "v")

    static let user = ScimUser(
        userName: "bob", externalId: "x1", displayName: "Bob", givenName: "Bob", familyName: "Builder",
        emails: [.init(value: "bob@example.com", type: "work", primary: true)]
    ).json(id: "u1", meta: Self.meta)

    static func patched(_ operations: String) throws -> ScimUser {
        try ScimUser(json: try patch(operations).apply(to: user))
    }

    @Test("Entra ID: Replace on emails[type eq \"work\"].value and name.familyName, userName, active \"False\"")
    func entra() throws {
        let updated = try Self.patched(
            #"""
            [{"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "updatedEmail@microsoft.com"},
             {"op": "Replace", "path": "name.familyName", "value": "updatedFamilyName"}]
            """#)
        #expect(
            updated.emails.map(\.value) == ["updatedEmail@microsoft.com"] && updated.familyName == "updatedFamilyName")
        #expect(updated.givenName == "Bob", "the other sub-attributes of name stay")
        #expect(
            try Self.patched(#"[{"op": "Replace", "path": "userName", "value": "5b50642d@testuser.com"}]"#).userName
                == "5b50642d@testuser.com")
        #expect(try Self.patched(#"[{"op": "Replace", "path": "active", "value": "False"}]"#).active == false)
        #expect(try Self.patched(#"[{"op": "replace", "path": "active", "value": false}]"#).active == false)
    }

    @Test("Entra ID: the enterprise manager added as a plain id, department by its full path; removed again")
    func enterprise() throws {
        let added = try Self.patched(
            #"""
            [{"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": "u9"},
             {"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "value": "Platform"}]
            """#)
        #expect(added.manager == "u9" && added.department == "Platform")
        let again = try Self.patch(
            #"[{"op": "Remove", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"}]"#
        ).apply(to: added.json(id: "u1", meta: Self.meta))
        #expect(try ScimUser(json: again).manager == nil)
    }

    @Test("Okta: a replace without a path names the attributes (deactivation, a profile update)")
    func okta() throws {
        #expect(try Self.patched(#"[{"op": "replace", "value": {"active": false}}]"#).active == false)
        let profile = try Self.patched(
            #"[{"op": "replace", "value": {"displayName": "Robert", "name.givenName": "Robert", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": "Sales"}}}]"#
        )
        #expect(profile.displayName == "Robert" && profile.givenName == "Robert" && profile.department == "Sales")
    }

    @Test("add to a multi-valued attribute appends without duplicates; remove with a value filter removes")
    func multiValued() throws {
        let added = try Self.patched(
            #"[{"op": "add", "path": "emails", "value": [{"value": "b@home.org", "type": "home"}, {"value": "bob@example.com", "type": "work"}]}]"#
        )
        #expect(added.emails.map(\.value) == ["bob@example.com", "b@home.org"])
        let removed = try ScimUser(
            json: try Self.patch(#"[{"op": "remove", "path": "emails[type eq \"home\"]"}]"#).apply(
                to: added.json(id: "u1", meta: Self.meta)))
        #expect(removed.emails.map(\.value) == ["bob@example.com"])
    }

    @Test(
        "malformed PATCH bodies and impossible operations are refused with their scimType",
        arguments: [
            (#"[{"op": "remove"}]"#, ScimError.Kind.noTarget),
            (#"[{"op": "move", "path": "a", "value": 1}]"#, .invalidSyntax),
            (#"[{"op": "replace", "path": "id", "value": "u2"}]"#, .mutability),
            (#"[{"op": "add", "path": "userName"}]"#, .invalidValue),
            (#"[]"#, .invalidSyntax), (#"[{"op": "replace", "path": "emails[type eq", "value": "x"}]"#, .invalidPath),
            (#"[{"op": "replace", "path": "emails[type eq \"fax\"]", "value": {"value": "1"}}]"#, .noTarget),
            (#"[{"op": "replace", "value": "x"}]"#, .invalidValue),
        ])
    func refused(operations: String, kind: ScimError.Kind) {
        #expect {
            try Self.patch(operations).apply(to: Self.user)
        } throws: { error in
            (error as? ScimError)?.kind == kind
        }
    }

    @Test("a body without the PatchOp schema, or with too many operations, is refused")
    func envelope() throws {
        #expect(throws: ScimError.self) {
            try ScimPatch(
                json: try ScimJSON.parse(Array(#"{"Operations": [{"op": "add", "path": "a", "value": 1}]}"#.utf8)))
        }
        let many =
            "["
            + Array(repeating: #"{"op": "add", "path": "a", "value": 1}"#, count: ScimPatch.maxOperations + 1).joined(
                separator: ",") + "]"
        #expect {
            try Self.patch(many)
        } throws: { error in
            (error as? ScimError)?.kind == .tooMany
        }
    }

    // MARK: Groups

    @Test("Entra ID: members added and removed with value lists, the name replaced")
    func entraGroup() throws {
        let add = try ScimGroupChange(
            patch: try Self.patch(
                #"[{"op": "Add", "path": "members", "value": [{"$ref": null, "value": "f648f8d5ea4e4cd38e9c"}]}]"#))
        #expect(add.added == ["f648f8d5ea4e4cd38e9c"] && add.removed.isEmpty && add.replacedMembers == nil)
        let remove = try ScimGroupChange(
            patch: try Self.patch(#"[{"op": "Remove", "path": "members", "value": [{"$ref": null, "value": "a2a1"}]}]"#)
        )
        #expect(remove.removed == ["a2a1"])
        let rename = try ScimGroupChange(
            patch: try Self.patch(#"[{"op": "Replace", "path": "displayName", "value": "1879db59updatedDisplayName"}]"#)
        )
        #expect(rename.displayName == "1879db59updatedDisplayName")
    }

    @Test("Okta: members[value eq …] removals, one or joined by or; a rename echoing the id")
    func oktaGroup() throws {
        let one = try ScimGroupChange(
            patch: try Self.patch(
                #"[{"op": "remove", "path": "members[value eq \"89bb1940-b905-4575-9e7f-6f887cfb368e\"]"}]"#))
        #expect(one.removed == ["89bb1940-b905-4575-9e7f-6f887cfb368e"])
        let two = try ScimGroupChange(
            patch: try Self.patch(#"[{"op": "remove", "path": "members[value eq \"a\" or value eq \"b\"]"}]"#))
        #expect(two.removed == ["a", "b"])
        let rename = try ScimGroupChange(
            patch: try Self.patch(#"[{"op": "replace", "value": {"id": "g1", "displayName": "Test SCIMv2"}}]"#))
        #expect(rename.displayName == "Test SCIMv2")
    }

    @Test("bulk member changes in one request net out in order; a replace starts from its list")
    func bulk() throws {
        let change = try ScimGroupChange(
            patch: try Self.patch(
                #"""
                [{"op": "add", "path": "members", "value": [{"value": "a"}, {"value": "b"}, {"value": "c"}]},
                 {"op": "remove", "path": "members[value eq \"b\"]"},
                 {"op": "add", "path": "members", "value": [{"value": "d"}]}]
                """#))
        #expect(change.added == ["a", "c", "d"] && change.removed == ["b"])
        let replaced = try ScimGroupChange(
            patch: try Self.patch(
                #"[{"op": "add", "path": "members", "value": [{"value": "x"}]}, {"op": "replace", "path": "members", "value": [{"value": "y"}]}]"#
            ))
        #expect(replaced.replacedMembers == ["y"] && replaced.added.isEmpty)
        #expect(throws: ScimError.self) {
            try ScimGroupChange(patch: try Self.patch(#"[{"op": "remove", "path": "members[display eq \"x\"]"}]"#))
        }
        #expect(throws: ScimError.self) {
            try ScimGroupChange(patch: try Self.patch(#"[{"op": "replace", "path": "owner", "value": "x"}]"#))
        }
    }
}
