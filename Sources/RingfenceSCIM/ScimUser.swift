import Foundation

/// A SCIM User (RFC 7643 §4.1) as Ringfence keeps it: the attributes a directory mirror
/// needs — identity, names, e-mail addresses, `active`, roles — and the enterprise
/// extension's `department` and `manager` (§4.3). Read from a request's JSON with every
/// value checked (`init(json:)`), written back as a response (`json(id:meta:)`).
public struct ScimUser: Sendable, Equatable {
    /// One e-mail address.
    public struct Email: Sendable, Equatable {
        public var value: String
        public var type: String?
        public var primary: Bool

        public init(value: String, type: String? = nil, primary: Bool = false) {
            self.value = value
            self.type = type
            self.primary = primary
        }
    }

    public var userName: String
    public var externalId: String?
    public var displayName: String?
    public var givenName: String?
    public var familyName: String?
    public var formattedName: String?
    /// false: deactivated (kept, but no longer a member of anything for policy); nil: not
    /// said (active).
    public var active: Bool?
    public var emails: [Email]
    public var roles: [String]
    public var department: String?
    /// The manager's SCIM id.
    public var manager: String?

    public init(
        userName: String, externalId: String? = nil, displayName: String? = nil, givenName: String? = nil,
        familyName: String? = nil, formattedName: String? = nil, active: Bool? = true, emails: [Email] = [],
        roles: [String] = [], department: String? = nil, manager: String? = nil
    ) {
        self.userName = userName
        self.externalId = externalId
        self.displayName = displayName
        self.givenName = givenName
        self.familyName = familyName
        self.formattedName = formattedName
        self.active = active
        self.emails = emails
        self.roles = roles
        self.department = department
        self.manager = manager
    }

    /// Longest text of any attribute, and most values of a multi-valued one.
    public static let maxText = 512
    public static let maxValues = 64

    /// The user a request body describes. `userName` is required; `active` may be a
    /// string (`"False"`); unknown attributes are ignored.
    public init(json: ScimJSON) throws(ScimError) {
        guard case .object = json else { throw ScimError.invalidSyntax("a User is a JSON object") }
        guard let userName = try Self.text(json[attribute: "userName"], "userName"), !userName.isEmpty else {
            throw ScimError.invalidValue("userName is required")
        }
        self.userName = userName
        externalId = try Self.text(json[attribute: "externalId"], "externalId")
        displayName = try Self.text(json[attribute: "displayName"], "displayName")
        let name = json[attribute: "name"]
        givenName = try Self.text(name?[attribute: "givenName"], "name.givenName")
        familyName = try Self.text(name?[attribute: "familyName"], "name.familyName")
        formattedName = try Self.text(name?[attribute: "formatted"], "name.formatted")
        switch json[attribute: "active"] {
        case nil, .null?: active = nil
        case let value?:
            guard let flag = value.lenientBool else { throw ScimError.invalidValue("active is true or false") }
            active = flag
        }
        emails = []
        for entry in try Self.values(json[attribute: "emails"], "emails") {
            guard let value = try Self.text(entry[attribute: "value"] ?? entry, "emails.value"), !value.isEmpty else {
                continue
            }
            emails.append(
                Email(
                    value: value, type: try Self.text(entry[attribute: "type"], "emails.type"),
                    primary: entry[attribute: "primary"]?.lenientBool ?? false))
        }
        roles = []
        for entry in try Self.values(json[attribute: "roles"], "roles") {
            if let role = try Self.text(entry[attribute: "value"] ?? entry, "roles.value"), !role.isEmpty {
                roles.append(role)
            }
        }
        let enterprise = json[attribute: ScimSchema.enterpriseUser]
        department = try Self.text(enterprise?[attribute: "department"], "department")
        // `manager` is complex ({"value": id}); Entra sends the id as a plain string.
        let manager = enterprise?[attribute: "manager"]
        self.manager = try Self.text(manager?[attribute: "value"] ?? manager, "manager.value").flatMap {
            $0.isEmpty ? nil : $0
        }
    }

    /// A text attribute: nil when absent or null; refused when not a string, too long or
    /// holding a control character.
    static func text(_ value: ScimJSON?, _ name: String) throws(ScimError) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?:
            guard text.utf8.count <= maxText else {
                throw ScimError.invalidValue("\(name) is longer than \(maxText) bytes")
            }
            guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
                throw ScimError.invalidValue("\(name) holds a control character")
            }
            return text
        default:
            throw ScimError.invalidValue("\(name) is a string")
        }
    }

    static func values(_ value: ScimJSON?, _ name: String) throws(ScimError) -> [ScimJSON] {
        switch value {
        case nil, .null?: return []
        case .array(let values)?:
            guard values.count <= maxValues else {
                throw ScimError.invalidValue("\(name) has more than \(maxValues) values")
            }
            return values
        default: throw ScimError.invalidValue("\(name) is a list")
        }
    }

    /// The user as a response: `id`, `meta` and the schemas besides the attributes;
    /// `groups` (read-only) when given.
    public func json(id: String, meta: ScimMeta, groups: [ScimReference] = []) -> ScimJSON {
        var members: [String: ScimJSON] = [
            "schemas": .array(
                [.string(ScimSchema.user)]
                    + (department != nil || manager != nil ? [.string(ScimSchema.enterpriseUser)] : [])),
            "id": .string(id), "userName": .string(userName), "meta": meta.json,
        ]
        if let active { members["active"] = .bool(active) }
        if let externalId { members["externalId"] = .string(externalId) }
        if let displayName { members["displayName"] = .string(displayName) }
        var name: [String: ScimJSON] = [:]
        if let givenName { name["givenName"] = .string(givenName) }
        if let familyName { name["familyName"] = .string(familyName) }
        if let formattedName { name["formatted"] = .string(formattedName) }
        if !name.isEmpty { members["name"] = .object(name) }
        if !emails.isEmpty {
            members["emails"] = .array(
                emails.map { email in
                    var entry: [String: ScimJSON] = ["value": .string(email.value), "primary": .bool(email.primary)]
                    if let type = email.type { entry["type"] = .string(type) }
                    return .object(entry)
                })
        }
        if !roles.isEmpty { members["roles"] = .array(roles.map { .object(["value": .string($0)]) }) }
        if !groups.isEmpty { members["groups"] = .array(groups.map(\.json)) }
        var enterprise: [String: ScimJSON] = [:]
        if let department { enterprise["department"] = .string(department) }
        if let manager { enterprise["manager"] = .object(["value": .string(manager)]) }
        if !enterprise.isEmpty { members[ScimSchema.enterpriseUser] = .object(enterprise) }
        return .object(members)
    }
}

/// `meta` of a resource (RFC 7643 §3.1).
public struct ScimMeta: Sendable, Equatable {
    public var resourceType: String
    public var created: Date
    public var lastModified: Date
    /// The resource's URL.
    public var location: String
    /// A weak ETag (`W/"…"`) that changes with every change.
    public var version: String

    public init(resourceType: String, created: Date, lastModified: Date, location: String, version: String) {
        self.resourceType = resourceType
        self.created = created
        self.lastModified = lastModified
        self.location = location
        self.version = version
    }

    public var json: ScimJSON {
        .object([
            "resourceType": .string(resourceType), "created": .string(created.formatted(.iso8601)),
            "lastModified": .string(lastModified.formatted(.iso8601)), "location": .string(location),
            "version": .string(version),
        ])
    }
}

/// A reference to another resource: a group's member, a user's group.
public struct ScimReference: Sendable, Hashable {
    public var value: String
    public var display: String?
    /// `User` or `Group`.
    public var type: String?
    public var ref: String?

    public init(value: String, display: String? = nil, type: String? = nil, ref: String? = nil) {
        self.value = value
        self.display = display
        self.type = type
        self.ref = ref
    }

    public var json: ScimJSON {
        var members: [String: ScimJSON] = ["value": .string(value)]
        if let display { members["display"] = .string(display) }
        if let type { members["type"] = .string(type) }
        if let ref { members["$ref"] = .string(ref) }
        return .object(members)
    }
}
