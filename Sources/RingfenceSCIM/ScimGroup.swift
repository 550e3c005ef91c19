/// A SCIM Group (RFC 7643 §4.2): its name, the provider's id for it, and its members (users
/// or groups, by SCIM id). Members can be many (a provider's "all employees" group), so a
/// PATCH of a group is read as a `ScimGroupChange` — members added and removed — rather
/// than applied to the whole list.
public struct ScimGroup: Sendable, Equatable {
    public var displayName: String
    public var externalId: String?
    public var members: [String]

    public init(displayName: String, externalId: String? = nil, members: [String] = []) {
        self.displayName = displayName
        self.externalId = externalId
        self.members = members
    }

    /// Most members one request may list.
    public static let maxMembers = 10_000

    /// The group a POST or PUT body describes; `displayName` is required.
    public init(json: ScimJSON) throws(ScimError) {
        guard case .object = json else { throw ScimError.invalidSyntax("a Group is a JSON object") }
        guard let name = try ScimUser.text(json[attribute: "displayName"], "displayName"), !name.isEmpty else {
            throw ScimError.invalidValue("displayName is required")
        }
        displayName = name
        externalId = try ScimUser.text(json[attribute: "externalId"], "externalId")
        members = try Self.memberIDs(json[attribute: "members"])
    }

    /// The ids of a `members` value: a list of `{"value": id}` (or a single one).
    static func memberIDs(_ value: ScimJSON?) throws(ScimError) -> [String] {
        let entries: [ScimJSON]
        switch value {
        case nil, .null?: return []
        case .array(let list)?: entries = list
        case .object?: entries = [value!]
        default: throw ScimError.invalidValue("members is a list of {\"value\": id}")
        }
        guard entries.count <= maxMembers else {
            throw ScimError.tooMany("more than \(maxMembers) members in one request")
        }
        var ids: [String] = []
        for entry in entries {
            guard let id = try ScimUser.text(entry[attribute: "value"], "members.value"), !id.isEmpty else {
                throw ScimError.invalidValue("each member has a value (its id)")
            }
            ids.append(id)
        }
        return ids
    }

    public func json(id: String, meta: ScimMeta, members: [ScimReference]) -> ScimJSON {
        var object: [String: ScimJSON] = [
            "schemas": .array([.string(ScimSchema.group)]), "id": .string(id), "displayName": .string(displayName),
            "members": .array(members.map(\.json)), "meta": meta.json,
        ]
        if let externalId { object["externalId"] = .string(externalId) }
        return .object(object)
    }
}

/// What a PATCH does to a group: attributes replaced, members added, removed, or all
/// replaced. Read from the operations without the group's member list, so one member
/// added to a group of 100,000 costs one row.
public struct ScimGroupChange: Sendable, Equatable {
    public var displayName: String?
    /// `.some(nil)` clears it.
    public var externalId: String??
    public var added: [String] = []
    public var removed: [String] = []
    /// The whole member list, when an operation replaced it (then `added`/`removed`
    /// apply after it).
    public var replacedMembers: [String]?

    public init(
        displayName: String? = nil, externalId: String?? = nil, added: [String] = [], removed: [String] = [],
        replacedMembers: [String]? = nil
    ) {
        self.displayName = displayName
        self.externalId = externalId
        self.added = added
        self.removed = removed
        self.replacedMembers = replacedMembers
    }

    /// The change a PATCH of a group makes. Member removals by filter take
    /// `value eq "id"` (joined by `or`), as Okta sends them.
    public init(patch: ScimPatch) throws(ScimError) {
        for operation in patch.operations {
            if let path = operation.path {
                try apply(operation.op, path: path, value: operation.value)
            } else if case .object(let members)? = operation.value {
                for (key, value) in members.sorted(by: { $0.key < $1.key }) {
                    let path = try ScimPatchPath.parse(key)
                    if path.attribute.names("id") { continue }  // Okta echoes the id
                    try apply(operation.op, path: path, value: value)
                }
            }
        }
    }

    mutating func apply(_ op: ScimPatch.Op, path: ScimPatchPath, value: ScimJSON?) throws(ScimError) {
        let attribute = path.attribute
        if attribute.names("displayName") && path.filter == nil {
            guard op != .remove else { throw ScimError.mutability("displayName is required and cannot be removed") }
            guard let name = try ScimUser.text(value, "displayName"), !name.isEmpty else {
                throw ScimError.invalidValue("displayName is a non-empty string")
            }
            displayName = name
        } else if attribute.names("externalId") && path.filter == nil {
            externalId = op == .remove ? .some(nil) : .some(try ScimUser.text(value, "externalId"))
        } else if attribute.names("members") {
            if let filter = path.filter {
                guard op == .remove, path.subAttribute == nil, let ids = Self.memberValues(filter) else {
                    throw ScimError.invalidFilter(
                        "members can be selected by value eq \"id\" (joined by or), to remove them")
                }
                remove(ids)
            } else {
                let ids = try ScimGroup.memberIDs(value)
                switch op {
                case .add: add(ids)
                case .remove where value == nil || value == .null:
                    replacedMembers = []
                    added = []
                    removed = []
                case .remove: remove(ids)
                case .replace:
                    replacedMembers = ids
                    added = []
                    removed = []
                }
            }
        } else {
            throw ScimError.invalidPath("\(attribute) is not an attribute of a Group that can be changed")
        }
    }

    mutating func add(_ ids: [String]) {
        let set = Set(ids)
        removed.removeAll { set.contains($0) }
        added += ids.filter { !added.contains($0) }
    }

    mutating func remove(_ ids: [String]) {
        let set = Set(ids)
        added.removeAll { set.contains($0) }
        removed += ids.filter { !removed.contains($0) }
    }

    /// The ids of `value eq "a" or value eq "b"`; nil for any other filter.
    static func memberValues(_ filter: ScimFilter) -> [String]? {
        switch filter {
        case .compare(let path, .eq, .string(let id)) where path.names("value") && path.subAttribute == nil: return [id]
        case .or(let left, let right):
            guard let left = memberValues(left), let right = memberValues(right) else { return nil }
            return left + right
        default: return nil
        }
    }
}
