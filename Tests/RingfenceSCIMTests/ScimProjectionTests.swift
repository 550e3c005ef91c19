import Foundation
import Testing

@testable import RingfenceSCIM

/// `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5), and the list and search queries.
@Suite("SCIM projections and queries")
struct ScimProjectionTests {
    static let user = ScimUser(
        userName: "bob", externalId: "x", displayName: "Bob", givenName: "Bob", familyName: "B",
        emails: [.init(value: "b@example.com", type: "work", primary: true)], department: "Ops", manager: "u2"
    ).json(
        id: "u1",
        meta: ScimMeta(
            resourceType: "User", created: .distantPast, lastModified: .distantPast, location: "l", version: "v"))

    static func keys(_ json: ScimJSON) -> Set<String> {
        guard case .object(let members) = json else { return [] }
        return Set(members.keys)
    }

    @Test("attributes keeps only those, with id and schemas; sub-attributes and extension attributes too")
    func attributes() throws {
        let only = try ScimProjection(attributes: "userName, name.givenName", excluded: nil).apply(to: Self.user)
        #expect(Self.keys(only) == ["id", "schemas", "userName", "name"])
        #expect(only[attribute: "name"] == .object(["givenName": .string("Bob")]))
        let department = try ScimProjection(
            attributes: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", excluded: nil
        ).apply(to: Self.user)
        #expect(department[attribute: ScimSchema.enterpriseUser] == .object(["department": .string("Ops")]))
        let emails = try ScimProjection(attributes: "emails.value", excluded: nil).apply(to: Self.user)
        #expect(emails[attribute: "emails"] == .array([.object(["value": .string("b@example.com")])]))
    }

    @Test("excludedAttributes removes those, never id or schemas; a whole extension by its URN")
    func excluded() throws {
        let projection = try ScimProjection(
            attributes: nil,
            excluded: "name,emails.type,id,schemas,urn:ietf:params:scim:schemas:extension:enterprise:2.0:User")
        let result = projection.apply(to: Self.user)
        #expect(result[attribute: "name"] == nil && result[attribute: ScimSchema.enterpriseUser] == nil)
        #expect(result[attribute: "id"] == .string("u1") && result[attribute: "schemas"] != nil)
        #expect(result[attribute: "emails"]?.array?.first?[attribute: "type"] == nil)
        #expect(result[attribute: "emails"]?.array?.first?[attribute: "value"] == .string("b@example.com"))
        #expect(projection.excludes("NAME") && !projection.excludes("members"))
        #expect(try ScimProjection(attributes: "displayName", excluded: nil).excludes("members"))
        #expect(throws: ScimError.self) { try ScimProjection(attributes: "name..x", excluded: nil) }
    }

    @Test("a SearchRequest body reads like URL parameters: filter, page, attributes as lists")
    func search() throws {
        let body = try ScimJSON.parse(
            Array(
                #"{"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"], "filter": "userName eq \"bob\"", "startIndex": 3, "count": 5000, "attributes": ["userName", "emails"]}"#
                    .utf8))
        let query = try ScimListQuery(searchRequest: body, maxResults: 100)
        #expect(query.filter?.equalities?.first?.value == "bob")
        #expect(query.startIndex == 3 && query.count == 100 && query.projection.attributes == ["userName", "emails"])
        let parameters = try ScimListQuery(
            parameters: [("StartIndex", "0"), ("count", "-5"), ("excludedAttributes", "members")], maxResults: 100)
        #expect(parameters.startIndex == 1 && parameters.count == 0 && parameters.projection.excludes("members"))
        #expect(throws: ScimError.self) { try ScimListQuery(parameters: [("count", "ten")], maxResults: 100) }
    }
}
