import Foundation
import Testing

@testable import RingfenceSCIM

/// Users as Entra ID and Okta create them (docs/scim.md cites the pages).
@Suite("SCIM users")
struct ScimUserTests {
    static func json(_ text: String) throws -> ScimJSON { try ScimJSON.parse(Array(text.utf8)) }

    /// Microsoft Entra ID's "Create User" request (use-scim-to-provision-users-and-groups).
    static let entraCreate = #"""
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
          "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
          "userName": "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1",
          "active": true,
          "emails": [{"primary": true, "type": "work", "value": "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com"}],
          "meta": {"resourceType": "User"},
          "name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
          "roles": []
        }
        """#

    /// Okta's "Create the user" request (developer.okta.com SCIM 2.0 guide).
    static let oktaCreate = #"""
        {
          "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
          "userName": "test.user@okta.local",
          "name": {"givenName": "Test", "familyName": "User"},
          "emails": [{"primary": true, "value": "test.user@okta.local", "type": "work"}],
          "displayName": "Test User",
          "locale": "en-US",
          "externalId": "00ujl29u0le5T6Aj10h7",
          "groups": [],
          "password": "1mz050nq",
          "active": true
        }
        """#

    @Test("Entra ID's and Okta's create bodies read as users; the password and unknown attributes are dropped")
    func providers() throws {
        let entra = try ScimUser(json: try Self.json(Self.entraCreate))
        #expect(entra.userName == "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1")
        #expect(entra.externalId == "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef")
        #expect(
            entra.emails == [
                .init(value: "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com", type: "work", primary: true)
            ])
        #expect(entra.givenName == "givenName" && entra.familyName == "familyName" && entra.active == true)
        let okta = try ScimUser(json: try Self.json(Self.oktaCreate))
        #expect(okta.displayName == "Test User" && okta.externalId == "00ujl29u0le5T6Aj10h7")
        let written = okta.json(id: "u1", meta: Self.meta)
        #expect(written[attribute: "password"] == nil && written[attribute: "locale"] == nil)
    }

    static let meta = ScimMeta(
        resourceType: "User", created: Date(timeIntervalSince1970: 0), lastModified: Date(timeIntervalSince1970: 60),
        location: "https://rf.example.com/scim/v2/Users/u1", version: #"W/"1""#)

    @Test("a written user reads back equal, enterprise extension included")
    func roundTrip() throws {
        let user = ScimUser(
            userName: "bob", externalId: "x1", displayName: "Bob", givenName: "Bob", familyName: "B",
            formattedName: "Bob B",
            active: false, emails: [.init(value: "bob@example.com", type: "work", primary: true)], roles: ["admin"],
            department: "Platform", manager: "u9")
        let json = user.json(id: "u1", meta: Self.meta, groups: [ScimReference(value: "g1", display: "platform")])
        #expect(try ScimUser(json: try ScimJSON.parse(json.bytes)) == user)
        #expect(json[attribute: "schemas"]?.array?.count == 2)
    }

    @Test("manager as Entra sends it (a plain id) and as the RFC has it ({value}); active as a string")
    func lenient() throws {
        let plain = try ScimUser(
            json: try Self.json(
                #"{"userName": "a", "active": "False", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": "u7", "department": "Ops"}}"#
            ))
        #expect(plain.manager == "u7" && plain.department == "Ops" && plain.active == false)
        let complex = try ScimUser(
            json: try Self.json(
                #"{"userName": "a", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": {"value": "u8"}}}"#
            ))
        #expect(complex.manager == "u8")
    }

    @Test(
        "bad users are refused with invalidValue or invalidSyntax",
        arguments: [
            #"{}"#, #"{"userName": ""}"#, #"{"userName": 7}"#, #"{"userName": "a\u0000b"}"#,
            #"{"userName": "a", "active": "maybe"}"#,
            #"{"userName": "a", "emails": "x@y"}"#, #"[1]"#,
        ])
    func refused(text: String) throws {
        // A NUL is refused by the body reader already (ScimJSON.parse), the rest by ScimUser.
        #expect {
            try ScimUser(json: try Self.json(text))
        } throws: { error in
            let kind = (error as? ScimError)?.kind
            return kind == .invalidValue || kind == .invalidSyntax
        }
        #expect(throws: ScimError.self) {
            try ScimUser(json: .object(["userName": .string(String(repeating: "x", count: ScimUser.maxText + 1))]))
        }
        #expect(throws: ScimError.self) { try ScimUser(json: .object(["userName": .string("a\u{0}b")])) }
    }
}
