import Foundation

/// A PATCH request (RFC 7644 §3.5.2): its operations, read leniently where providers
/// differ from the RFC (an operation name in any case, `Operations` in any case) and
/// strictly elsewhere. `apply(to:)` applies them to a resource's JSON, so the resource is
/// read again — and checked — from the result.
public struct ScimPatch: Sendable, Equatable {
    public enum Op: String, Sendable, Equatable { case add, remove, replace }

    /// One operation: its kind, where (nil: the value names the attributes), and the value.
    public struct Operation: Sendable, Equatable {
        public var op: Op
        public var path: ScimPatchPath?
        public var value: ScimJSON?
    }

    public var operations: [Operation]

    /// Operations allowed in one request (a provider's bulk member changes fit).
    public static let maxOperations = 1_000

    public init(operations: [Operation]) { self.operations = operations }

    /// Reads a `PatchOp` body.
    public init(json: ScimJSON) throws(ScimError) {
        guard let schemas = json[attribute: "schemas"]?.array?.compactMap(\.string),
            schemas.contains(where: { $0.caseInsensitiveCompare(ScimSchema.patchOp) == .orderedSame })
        else { throw ScimError.invalidSyntax("a PATCH body names the schema \(ScimSchema.patchOp)") }
        guard let list = json[attribute: "Operations"]?.array, !list.isEmpty else {
            throw ScimError.invalidSyntax("a PATCH body has a non-empty Operations list")
        }
        guard list.count <= Self.maxOperations else {
            throw ScimError.tooMany("at most \(Self.maxOperations) operations in one PATCH")
        }
        var operations: [Operation] = []
        for entry in list {
            guard let name = entry[attribute: "op"]?.string, let op = Op(rawValue: name.lowercased()) else {
                throw ScimError.invalidSyntax("each operation's op is add, remove or replace")
            }
            let path = try entry[attribute: "path"]?.string.map { (text) throws(ScimError) in
                try ScimPatchPath.parse(text)
            }
            let value = entry[attribute: "value"]
            if op != .remove && (value == nil || value == .null) {
                throw ScimError.invalidValue("\(op.rawValue) needs a value")
            }
            if path == nil && op == .remove { throw ScimError.noTarget("remove needs a path") }
            if path == nil, case .object = value {
            } else if path == nil {
                throw ScimError.invalidValue("\(op.rawValue) without a path takes an object of attributes")
            }
            operations.append(Operation(op: op, path: path, value: value))
        }
        self.operations = operations
    }

    /// The resource after the operations, in order. Attributes in `immutable` (e.g. `id`)
    /// cannot be changed.
    public func apply(to resource: ScimJSON, immutable: Set<String> = ["id", "meta", "schemas"]) throws(ScimError)
        -> ScimJSON
    {
        var result = resource
        for operation in operations {
            if let path = operation.path {
                guard !immutable.contains(path.attribute.name.lowercased()) || path.attribute.schema != nil else {
                    throw ScimError.mutability("\(path.attribute.name) cannot be changed")
                }
                try Self.apply(operation.op, at: path, value: operation.value, to: &result)
            } else if case .object(let members)? = operation.value {
                for (key, value) in members.sorted(by: { $0.key < $1.key }) {
                    // A key may be a schema URN holding an object of that schema's
                    // attributes, or an attribute path (with its schema: …:User:department).
                    if Self.isSchema(key), case .object(let inner) = value {
                        for (name, innerValue) in inner.sorted(by: { $0.key < $1.key }) {
                            let path = ScimPatchPath(attribute: ScimAttributePath(schema: key, name: name))
                            try Self.apply(operation.op, at: path, value: innerValue, to: &result)
                        }
                        continue
                    }
                    let path = try ScimPatchPath.parse(key)
                    if immutable.contains(path.attribute.name.lowercased()) && path.attribute.schema == nil {
                        // Providers echo `id` in a no-path replace (Okta renames a group so):
                        // the same value is no change; another is refused.
                        if resource[attribute: path.attribute.name] == value { continue }
                        throw ScimError.mutability("\(path.attribute.name) cannot be changed")
                    }
                    try Self.apply(operation.op, at: path, value: value, to: &result)
                }
            }
        }
        return result
    }

    static func isSchema(_ key: String) -> Bool {
        [ScimSchema.enterpriseUser, ScimSchema.user, ScimSchema.group].contains {
            $0.caseInsensitiveCompare(key) == .orderedSame
        }
    }

    // MARK: Applying one operation

    static func apply(_ op: Op, at path: ScimPatchPath, value: ScimJSON?, to resource: inout ScimJSON) throws(ScimError)
    {
        let attribute = path.attribute
        // The object holding the attribute: the resource, or its extension's object.
        let extensionKey = attribute.schema.flatMap {
            ScimAttributePath.coreSchemas.contains($0.lowercased()) ? nil : $0
        }
        var container: ScimJSON =
            extensionKey.flatMap { resource[attribute: $0] } ?? (extensionKey == nil ? resource : .object([:]))
        var current = container[attribute: attribute.name]

        switch (path.filter, path.subAttribute ?? (path.filter == nil ? attribute.subAttribute : nil)) {
        case (nil, nil):
            current = try applyWhole(op, current: current, value: value, name: attribute.name)
        case (nil, let sub?):
            // `name.givenName`: a sub-attribute of a complex single-valued attribute.
            var complex = current ?? .object([:])
            let updated = try applyWhole(op, current: complex[attribute: sub], value: value, name: sub)
            complex = complex.setting(sub, to: updated)
            current = complex
        case (let filter?, let sub):
            guard var values = current?.array ?? (current == nil ? [] : nil) else {
                throw ScimError.invalidPath("\(attribute.name) is not multi-valued")
            }
            let matching = values.indices.filter { filter.matches(values[$0]) }
            switch (op, sub) {
            case (.remove, nil):
                values = values.enumerated().filter { !matching.contains($0.offset) }.map(\.element)
            case (.remove, let sub?):
                for index in matching { values[index] = values[index].setting(sub, to: nil) }
            case (_, nil):
                guard !matching.isEmpty else {
                    throw ScimError.noTarget("no value of \(attribute.name) matches the filter")
                }
                for index in matching { values[index] = try mergeOrReplace(op, values[index], value) }
            case (_, let sub?):
                if matching.isEmpty {
                    // Entra replaces emails[type eq "work"].value on a user without a work
                    // address: the value is created with the filter's equality.
                    guard case .compare(let key, .eq, let expected) = filter, let value else {
                        throw ScimError.noTarget("no value of \(attribute.name) matches the filter")
                    }
                    values.append(ScimJSON.object([:]).setting(key.name, to: expected).setting(sub, to: value))
                } else {
                    for index in matching { values[index] = values[index].setting(sub, to: value) }
                }
            }
            current = .array(values)
        }
        container = container.setting(attribute.name, to: current)
        if let extensionKey {
            resource = resource.setting(extensionKey, to: container)
        } else {
            resource = container
        }
    }

    /// add/replace/remove of a whole attribute: multi-valued add appends (without
    /// duplicates), remove with a value list removes those values (`value` equal), complex
    /// add merges.
    static func applyWhole(_ op: Op, current: ScimJSON?, value: ScimJSON?, name: String) throws(ScimError) -> ScimJSON?
    {
        switch op {
        case .replace: return value
        case .add:
            if case .array(let existing)? = current {
                let added = value?.array ?? value.map { [$0] } ?? []
                return .array(existing + added.filter { new in !existing.contains { same($0, new) } })
            }
            if case .object? = current, case .object? = value { return try mergeOrReplace(.add, current!, value) }
            return value
        case .remove:
            guard let value, value != .null else { return nil }
            guard case .array(let existing)? = current else {
                throw ScimError.invalidValue("remove with a value applies to multi-valued attributes, not \(name)")
            }
            let removed = value.array ?? [value]
            return .array(existing.filter { old in !removed.contains { same(old, $0) } })
        }
    }

    static func mergeOrReplace(_ op: Op, _ current: ScimJSON, _ value: ScimJSON?) throws(ScimError) -> ScimJSON {
        guard op == .add, case .object(let new)? = value else { return value ?? .null }
        var merged = current
        for (key, member) in new { merged = merged.setting(key, to: member) }
        return merged
    }

    /// Two values of a multi-valued attribute are the same when their `value`s are equal
    /// (RFC 7643 §2.4), or, without one, when they are equal.
    static func same(_ a: ScimJSON, _ b: ScimJSON) -> Bool {
        if let left = a[attribute: "value"], let right = b[attribute: "value"] { return left == right }
        return a == b
    }
}

/// A PATCH `path` (RFC 7644 §3.5.2: `attrPath / valuePath [subAttr]`):
/// `displayName`, `name.familyName`, `members[value eq "2819c223"]`,
/// `emails[type eq "work"].value`, `urn:…:enterprise:2.0:User:manager`.
public struct ScimPatchPath: Sendable, Equatable {
    public var attribute: ScimAttributePath
    public var filter: ScimFilter?
    /// The sub-attribute after a value filter (`.value` in `emails[…].value`).
    public var subAttribute: String?

    public init(attribute: ScimAttributePath, filter: ScimFilter? = nil, subAttribute: String? = nil) {
        self.attribute = attribute
        self.filter = filter
        self.subAttribute = subAttribute
    }

    public static func parse(_ text: String) throws(ScimError) -> ScimPatchPath {
        guard text.utf8.count <= ScimFilter.maxLength else { throw ScimError.invalidPath("the path is too long") }
        // The whole extension object (`urn:…:enterprise:2.0:User`), not an attribute of it.
        if ScimPatch.isSchema(text) && text.caseInsensitiveCompare(ScimSchema.enterpriseUser) == .orderedSame {
            return ScimPatchPath(attribute: ScimAttributePath(name: ScimSchema.enterpriseUser))
        }
        guard let open = text.firstIndex(of: "[") else {
            do {
                return ScimPatchPath(
                    attribute: try ScimAttributePath(parsing: text.trimmingCharacters(in: .whitespaces)))
            } catch {
                throw ScimError.invalidPath(error.detail)
            }
        }
        guard let close = text.lastIndex(of: "]"), close > open else {
            throw ScimError.invalidPath("\(text.prefix(60)) has an unclosed [")
        }
        let attribute: ScimAttributePath
        let filter: ScimFilter
        do {
            attribute = try ScimAttributePath(parsing: String(text[..<open]))
            filter = try ScimFilter.parse(String(text[text.index(after: open)..<close]))
        } catch {
            throw ScimError.invalidPath("\(text.prefix(60)): \(error.detail)")
        }
        let rest = text[text.index(after: close)...]
        guard rest.isEmpty || (rest.first == "." && ScimAttributePath.isName(rest.dropFirst())) else {
            throw ScimError.invalidPath("\(text.prefix(60)) continues after ] with something other than .subAttribute")
        }
        return ScimPatchPath(
            attribute: attribute, filter: filter, subAttribute: rest.isEmpty ? nil : String(rest.dropFirst()))
    }
}

extension ScimJSON {
    /// The object with `name` (matched ignoring case, keeping the existing spelling) set to
    /// `value`, or removed when `value` is nil.
    func setting(_ name: String, to value: ScimJSON?) -> ScimJSON {
        var members: [String: ScimJSON] = [:]
        if case .object(let existing) = self { members = existing }
        let key = members.keys.first { $0.caseInsensitiveCompare(name) == .orderedSame } ?? name
        members[key] = value
        return .object(members)
    }
}
