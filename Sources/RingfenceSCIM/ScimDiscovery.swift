import Foundation

/// The discovery documents (RFC 7644 §4, RFC 7643 §5–7): what this service provider
/// supports, its two resource types, and the schemas of exactly the attributes Ringfence
/// keeps — a client that reads them (a compliance checker, a provider's attribute mapper)
/// sends nothing Ringfence would drop.
public enum ScimDiscovery {
    /// `/ServiceProviderConfig`: PATCH and filters yes; bulk, sort, ETags and password
    /// changes no; bearer tokens.
    public static func serviceProviderConfig(baseURL: String, maxResults: Int) -> ScimJSON {
        .object([
            "schemas": .array([.string(ScimSchema.serviceProviderConfig)]),
            "patch": .object(["supported": .bool(true)]),
            "bulk": .object(["supported": .bool(false), "maxOperations": .number(0), "maxPayloadSize": .number(0)]),
            "filter": .object(["supported": .bool(true), "maxResults": .number(Double(maxResults))]),
            "changePassword": .object(["supported": .bool(false)]),
            "sort": .object(["supported": .bool(false)]),
            "etag": .object(["supported": .bool(false)]),
            "authenticationSchemes": .array([
                .object([
                    "type": .string("oauthbearertoken"), "name": .string("Bearer token"),
                    "description": .string(
                        "A token made with `ringfence keys scim-token`, sent as Authorization: Bearer."),
                    "primary": .bool(true),
                ])
            ]),
            "meta": .object([
                "resourceType": .string("ServiceProviderConfig"),
                "location": .string(baseURL + "/ServiceProviderConfig"),
            ]),
        ])
    }

    /// `/ResourceTypes`: User (with the enterprise extension) and Group.
    public static func resourceTypes(baseURL: String) -> [ScimJSON] {
        [
            .object([
                "schemas": .array([.string(ScimSchema.resourceType)]), "id": .string("User"), "name": .string("User"),
                "endpoint": .string("/Users"), "schema": .string(ScimSchema.user),
                "schemaExtensions": .array([
                    .object(["schema": .string(ScimSchema.enterpriseUser), "required": .bool(false)])
                ]),
                "meta": .object([
                    "resourceType": .string("ResourceType"), "location": .string(baseURL + "/ResourceTypes/User"),
                ]),
            ]),
            .object([
                "schemas": .array([.string(ScimSchema.resourceType)]), "id": .string("Group"), "name": .string("Group"),
                "endpoint": .string("/Groups"), "schema": .string(ScimSchema.group),
                "meta": .object([
                    "resourceType": .string("ResourceType"), "location": .string(baseURL + "/ResourceTypes/Group"),
                ]),
            ]),
        ]
    }

    /// `/Schemas`: the User, Group and enterprise User schemas, limited to the attributes kept.
    public static func schemas(baseURL: String) -> [ScimJSON] {
        let reference = attribute("$ref", type: "reference", mutability: "readOnly")
        let user = schema(
            ScimSchema.user, name: "User", baseURL: baseURL,
            attributes: [
                attribute("userName", required: true, uniqueness: "server"),
                attribute(
                    "name", type: "complex",
                    subAttributes: [attribute("formatted"), attribute("familyName"), attribute("givenName")]),
                attribute("displayName"),
                attribute("active", type: "boolean"),
                attribute(
                    "emails", type: "complex", multiValued: true,
                    subAttributes: [attribute("value"), attribute("type"), attribute("primary", type: "boolean")]),
                attribute("roles", type: "complex", multiValued: true, subAttributes: [attribute("value")]),
                attribute(
                    "groups", type: "complex", multiValued: true, mutability: "readOnly",
                    subAttributes: [
                        attribute("value", mutability: "readOnly"), reference,
                        attribute("display", mutability: "readOnly"),
                    ]),
            ])
        let group = schema(
            ScimSchema.group, name: "Group", baseURL: baseURL,
            attributes: [
                attribute("displayName", required: true),
                attribute(
                    "members", type: "complex", multiValued: true,
                    subAttributes: [
                        attribute("value", mutability: "immutable", caseExact: true),
                        attribute("$ref", type: "reference", mutability: "immutable"),
                        attribute("display", mutability: "readOnly"),
                        attribute("type", mutability: "immutable", canonicalValues: ["User", "Group"]),
                    ]),
            ])
        let enterprise = schema(
            ScimSchema.enterpriseUser, name: "EnterpriseUser", baseURL: baseURL,
            attributes: [
                attribute("department"),
                attribute("manager", type: "complex", subAttributes: [attribute("value", caseExact: true), reference]),
            ])
        return [user, group, enterprise]
    }

    static func schema(_ id: String, name: String, baseURL: String, attributes: [ScimJSON]) -> ScimJSON {
        .object([
            "schemas": .array([.string(ScimSchema.schema)]), "id": .string(id), "name": .string(name),
            "attributes": .array(attributes),
            "meta": .object(["resourceType": .string("Schema"), "location": .string(baseURL + "/Schemas/" + id)]),
        ])
    }

    static func attribute(
        _ name: String, type: String = "string", multiValued: Bool = false, required: Bool = false,
        mutability: String = "readWrite", uniqueness: String = "none", caseExact: Bool = false,
        canonicalValues: [String] = [], subAttributes: [ScimJSON] = []
    ) -> ScimJSON {
        var members: [String: ScimJSON] = [
            "name": .string(name), "type": .string(type), "multiValued": .bool(multiValued),
            "required": .bool(required),
            "mutability": .string(mutability), "returned": .string("default"), "uniqueness": .string(uniqueness),
            "caseExact": .bool(caseExact), "description": .string(name),
        ]
        if !subAttributes.isEmpty { members["subAttributes"] = .array(subAttributes) }
        if !canonicalValues.isEmpty { members["canonicalValues"] = .array(canonicalValues.map(ScimJSON.string)) }
        if type == "reference" { members["referenceTypes"] = .array([.string("User"), .string("Group")]) }
        return .object(members)
    }

    /// A `ListResponse` (RFC 7644 §3.4.2): one page of resources.
    public static func listResponse(_ resources: [ScimJSON], total: Int, startIndex: Int) -> ScimJSON {
        .object([
            "schemas": .array([.string(ScimSchema.listResponse)]), "totalResults": .number(Double(total)),
            "startIndex": .number(Double(startIndex)), "itemsPerPage": .number(Double(resources.count)),
            "Resources": .array(resources),
        ])
    }
}

/// The query of a list request (RFC 7644 §3.4.2) or of a search (`POST …/.search`,
/// §3.4.3): a filter, the page (`startIndex` is 1-based; a value below 1 counts as 1, a
/// negative `count` as 0, and `count` is capped) and the attributes to return.
public struct ScimListQuery: Sendable, Equatable {
    public var filter: ScimFilter?
    public var startIndex: Int
    public var count: Int
    public var projection: ScimProjection

    public init(filter: ScimFilter? = nil, startIndex: Int = 1, count: Int = 100, projection: ScimProjection = .init())
    {
        self.filter = filter
        self.startIndex = startIndex
        self.count = count
        self.projection = projection
    }

    /// The query of URL parameters (names ignoring case); `maxResults` caps `count`.
    public init(parameters: [(name: String, value: String)], maxResults: Int) throws(ScimError) {
        func value(_ name: String) -> String? {
            parameters.last { $0.name.lowercased() == name.lowercased() }?.value
        }
        try self.init(
            filter: value("filter"), startIndex: value("startIndex"), count: value("count"),
            projection: try ScimProjection(attributes: value("attributes"), excluded: value("excludedAttributes")),
            maxResults: maxResults)
    }

    /// The query of a `SearchRequest` body.
    public init(searchRequest body: ScimJSON, maxResults: Int) throws(ScimError) {
        func text(_ name: String) -> String? {
            switch body[attribute: name] {
            case .string(let text)?: text
            case .number(let number)?: String(Int(number))
            case .array(let values)?: values.compactMap(\.string).joined(separator: ",")
            default: nil
            }
        }
        try self.init(
            filter: text("filter"), startIndex: text("startIndex"), count: text("count"),
            projection: try ScimProjection(attributes: text("attributes"), excluded: text("excludedAttributes")),
            maxResults: maxResults)
    }

    init(filter: String?, startIndex: String?, count: String?, projection: ScimProjection, maxResults: Int)
        throws(ScimError)
    {
        self.filter = try filter.map { (text) throws(ScimError) in try ScimFilter.parse(text) }
        func number(_ text: String?, _ name: String, default fallback: Int) throws(ScimError) -> Int {
            guard let text else { return fallback }
            guard let number = Int(text) else { throw ScimError.invalidValue("\(name) is an integer") }
            return number
        }
        self.startIndex = max(1, try number(startIndex, "startIndex", default: 1))
        self.count = min(maxResults, max(0, try number(count, "count", default: maxResults)))
        self.projection = projection
    }
}
