import Foundation
import RingfenceSCIM
import RingfenceStore

/// A change of one resource that the burst guard may hold — PUT, PATCH or DELETE of a user
/// or group — read from the request's parts, so it is applied the same way when a route
/// receives it and when an operator releases it (`ringfence scim release`).
public struct ScimChange: Sendable {
    public enum Method: String, Sendable {
        case put = "PUT"
        case patch = "PATCH"
        case delete = "DELETE"
    }
    public enum Resource: String, Sendable {
        case users = "Users"
        case groups = "Groups"
    }

    /// What the change left.
    public enum Outcome: Sendable {
        case user(ScimStore.StoredUser)
        case group(ScimStore.StoredGroup)
        case deleted
    }

    public var method: Method
    public var resource: Resource
    public var id: UUID
    /// The request body as received (empty for DELETE).
    public var body: String

    public init(method: Method, resource: Resource, id: UUID, body: String) {
        self.method = method
        self.resource = resource
        self.id = id
        self.body = body
    }

    /// A held change as stored.
    public init(held: ScimStore.HeldChange) throws(ScimError) {
        guard let method = Method(rawValue: held.method), let resource = Resource(rawValue: held.resource) else {
            throw ScimError.invalidValue("held change \(held.id) is a \(held.method) of \(held.resource)")
        }
        self.init(method: method, resource: resource, id: held.resourceID, body: held.body)
    }

    /// Applies the change through `store` (with its guard, or none for a release).
    public func apply(to store: ScimStore) async throws -> Outcome {
        let json: ScimJSON? = method == .delete ? nil : try ScimJSON.parse(Array(body.utf8))
        switch (method, resource) {
        case (.delete, .users):
            try await store.deleteUser(id: id)
            return .deleted
        case (.delete, .groups):
            try await store.deleteGroup(id: id)
            return .deleted
        case (.put, .users):
            return .user(try await store.replaceUser(id: id, with: try ScimUser(json: json ?? .null)))
        case (.put, .groups):
            return .group(try await store.replaceGroup(id: id, with: try ScimGroup(json: json ?? .null)))
        case (.patch, .users):
            let patch = try ScimPatch(json: json ?? .null)
            return .user(
                try await store.modifyUser(id: id) { current in
                    try ScimUser(json: try patch.apply(to: current.json(id: "", meta: ScimService.placeholderMeta)))
                })
        case (.patch, .groups):
            return .group(
                try await store.modifyGroup(id: id, try ScimGroupChange(patch: try ScimPatch(json: json ?? .null))))
        }
    }
}
