import Foundation

/// Which attributes a response returns (RFC 7644 §3.4.2.5, `attributes` and
/// `excludedAttributes`): with `attributes`, only those (and `id` and `schemas`, always
/// returned); without, all but the excluded. Paths may name a sub-attribute
/// (`name.givenName`), an extension attribute (`urn:…:enterprise:2.0:User:department`) or
/// a whole extension (its schema URN).
public struct ScimProjection: Sendable, Equatable {
    public var attributes: [String]
    public var excluded: [String]

    public init(attributes: [String] = [], excluded: [String] = []) {
        self.attributes = attributes
        self.excluded = excluded
    }

    /// The projection of comma-separated lists, as URL parameters give them.
    public init(attributes: String?, excluded: String?) throws(ScimError) {
        func list(_ text: String?) -> [String] {
            (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        self.init(attributes: list(attributes), excluded: list(excluded))
        for path in self.attributes + self.excluded where !Self.isExtension(path) {
            do {
                _ = try ScimAttributePath(parsing: path)
            } catch {
                throw ScimError.invalidValue("\(path.prefix(80)) is not an attribute")
            }
        }
    }

    static func isExtension(_ path: String) -> Bool {
        path.caseInsensitiveCompare(ScimSchema.enterpriseUser) == .orderedSame
    }

    /// Whether the response leaves out the top-level attribute `name` (e.g. `members`).
    public func excludes(_ name: String) -> Bool {
        if excluded.contains(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) { return true }
        guard !attributes.isEmpty else { return false }
        return !attributes.contains { path in
            (try? ScimAttributePath(parsing: path))?.names(name) == true && !Self.isExtension(path)
        }
    }

    /// The resource as this projection returns it.
    public func apply(to resource: ScimJSON) -> ScimJSON {
        guard case .object(let members) = resource else { return resource }
        if !attributes.isEmpty {
            var kept: [String: ScimJSON] = [:]
            for key in ["id", "schemas"] { kept[key] = members[key] }
            var result = ScimJSON.object(kept)
            for path in attributes { result = Self.copy(path, from: resource, into: result) }
            return result
        }
        var result = resource
        for path in excluded { result = Self.remove(path, from: result) }
        return result
    }

    /// Where a path points: the container key (an extension URN or nil for the resource),
    /// the attribute and its sub-attribute.
    static func locate(_ path: String) -> (container: String?, name: String, sub: String?)? {
        if isExtension(path) { return (nil, ScimSchema.enterpriseUser, nil) }
        guard let parsed = try? ScimAttributePath(parsing: path) else { return nil }
        let schema = parsed.schema.flatMap { ScimAttributePath.coreSchemas.contains($0.lowercased()) ? nil : $0 }
        return (schema, parsed.name, parsed.subAttribute)
    }

    static func copy(_ path: String, from source: ScimJSON, into target: ScimJSON) -> ScimJSON {
        guard let (container, name, sub) = locate(path), name.lowercased() != "id" else { return target }
        let from = container.map { source[attribute: $0] ?? .null } ?? source
        guard let value = from[attribute: name] else { return target }
        var into = container.map { target[attribute: $0] ?? .object([:]) } ?? target
        if let sub {
            let existing = into[attribute: name] ?? .object([:])
            if let values = value.array {
                into = into.setting(
                    name, to: .array(values.map { ScimJSON.object([:]).setting(sub, to: $0[attribute: sub]) }))
            } else {
                into = into.setting(name, to: existing.setting(sub, to: value[attribute: sub]))
            }
        } else {
            into = into.setting(name, to: value)
        }
        return container.map { target.setting($0, to: into) } ?? into
    }

    static func remove(_ path: String, from resource: ScimJSON) -> ScimJSON {
        guard let (container, name, sub) = locate(path), !["id", "schemas"].contains(name.lowercased()) else {
            return resource
        }
        guard var object = container.map({ resource[attribute: $0] ?? .null }) ?? Optional(resource) else {
            return resource
        }
        if let sub, let value = object[attribute: name] {
            if let values = value.array {
                object = object.setting(name, to: .array(values.map { $0.setting(sub, to: nil) }))
            } else {
                object = object.setting(name, to: value.setting(sub, to: nil))
            }
        } else {
            object = object.setting(name, to: nil)
        }
        return container.map { resource.setting($0, to: object) } ?? object
    }
}
