import Foundation
import Hummingbird
import Logging
import PostgresNIO
import RingfenceSCIM
import RingfenceServer
import RingfenceStore

/// The SCIM 2.0 service provider under `/scim/v2` (RFC 7644): discovery, Users and Groups.
/// Thin: each route reads the request with `RingfenceSCIM`, asks `ScimStore` (of the
/// token's provider) and writes the answer; every failure is a SCIM error document.
public struct ScimService: Sendable {
    /// Largest request body (a group of 10,000 members fits).
    public static let maxBodyBytes = 2 * 1024 * 1024
    /// Most resources in one page.
    public static let maxResults = 1_000

    let client: PostgresClient
    /// The service's public URL up to `/scim/v2` (for `meta.location`); nil: from the
    /// request's Host header, as HTTPS.
    let publicURL: String?
    let burstGuard: ScimBurstGuard
    let logger: Logger

    public init(
        client: PostgresClient, publicURL: String?, burstGuard: ScimBurstGuard = ScimBurstGuard(),
        logger: Logger = Logger(label: "ringfence.scim")
    ) {
        self.client = client
        self.burstGuard = burstGuard
        self.publicURL = publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.logger = logger
    }

    /// Adds the routes to `router`, behind `authentication`.
    public func addRoutes(to router: Router<ScimRequestContext>, check: BearerKeyCheck) {
        let scim = router.group("scim/v2").add(middleware: ScimAuthentication(check: check))
        scim.get("ServiceProviderConfig") { request, _ in
            await respond {
                ScimResponse.json(
                    ScimDiscovery.serviceProviderConfig(baseURL: base(request), maxResults: Self.maxResults))
            }
        }
        scim.get("ResourceTypes") { request, _ in
            await respond {
                let types = ScimDiscovery.resourceTypes(baseURL: base(request))
                return ScimResponse.json(ScimDiscovery.listResponse(types, total: types.count, startIndex: 1))
            }
        }
        scim.get("ResourceTypes/:id") { request, context in
            await respond {
                let id = context.parameters.get("id") ?? ""
                guard
                    let type = ScimDiscovery.resourceTypes(baseURL: base(request)).first(where: {
                        $0[attribute: "id"]?.string == id
                    })
                else { throw ScimError.notFound("no resource type \(id)") }
                return ScimResponse.json(type)
            }
        }
        scim.get("Schemas") { request, _ in
            await respond {
                let schemas = ScimDiscovery.schemas(baseURL: base(request))
                return ScimResponse.json(ScimDiscovery.listResponse(schemas, total: schemas.count, startIndex: 1))
            }
        }
        scim.get("Schemas/:id") { request, context in
            await respond {
                let id = context.parameters.get("id") ?? ""
                guard
                    let schema = ScimDiscovery.schemas(baseURL: base(request)).first(where: {
                        $0[attribute: "id"]?.string == id
                    })
                else { throw ScimError.notFound("no schema \(id)") }
                return ScimResponse.json(schema)
            }
        }
        addUserRoutes(scim)
        addGroupRoutes(scim)
        addRefusals(scim)
    }

    // MARK: Users

    func addUserRoutes(_ scim: RouterGroup<ScimRequestContext>) {
        scim.get("Users") { request, context in
            await respond {
                try await listUsers(
                    try ScimListQuery(parameters: ScimResponse.parameters(request), maxResults: Self.maxResults),
                    request,
                    context)
            }
        }
        scim.post("Users/.search") { request, context in
            await respond {
                try await listUsers(
                    try ScimListQuery(searchRequest: try await body(request), maxResults: Self.maxResults), request,
                    context)
            }
        }
        scim.post("Users") { request, context in
            await respond {
                let user = try ScimUser(json: try await body(request))
                let stored = try await store(context).createUser(user)
                let json = userJSON(stored, request)
                return ScimResponse.json(
                    json, status: 201, location: json[attribute: "meta"]?[attribute: "location"]?.string)
            }
        }
        scim.get("Users/:id") { request, context in
            await respond {
                let query = try ScimListQuery(parameters: ScimResponse.parameters(request), maxResults: 1)
                guard let stored = try await store(context).user(id: try Self.id(context)) else {
                    throw ScimError.notFound("no user \(context.parameters.get("id") ?? "")")
                }
                return ScimResponse.json(query.projection.apply(to: userJSON(stored, request)))
            }
        }
        addChangeRoutes(scim, "Users/:id", .users)
    }

    // MARK: Groups

    func addGroupRoutes(_ scim: RouterGroup<ScimRequestContext>) {
        scim.get("Groups") { request, context in
            await respond {
                try await listGroups(
                    try ScimListQuery(parameters: ScimResponse.parameters(request), maxResults: Self.maxResults),
                    request,
                    context)
            }
        }
        scim.post(".search") { request, context in
            await respond {
                try await searchAll(
                    try ScimListQuery(searchRequest: try await body(request), maxResults: Self.maxResults), request,
                    context)
            }
        }
        scim.post("Groups/.search") { request, context in
            await respond {
                try await listGroups(
                    try ScimListQuery(searchRequest: try await body(request), maxResults: Self.maxResults), request,
                    context)
            }
        }
        scim.post("Groups") { request, context in
            await respond {
                let group = try ScimGroup(json: try await body(request))
                let stored = try await store(context).createGroup(group)
                let json = groupJSON(stored, request)
                return ScimResponse.json(
                    json, status: 201, location: json[attribute: "meta"]?[attribute: "location"]?.string)
            }
        }
        scim.get("Groups/:id") { request, context in
            await respond {
                let query = try ScimListQuery(parameters: ScimResponse.parameters(request), maxResults: 1)
                guard
                    let stored = try await store(context).group(
                        id: try Self.id(context), members: !query.projection.excludes("members"))
                else { throw ScimError.notFound("no group \(context.parameters.get("id") ?? "")") }
                return ScimResponse.json(query.projection.apply(to: groupJSON(stored, request)))
            }
        }
        addChangeRoutes(scim, "Groups/:id", .groups)
    }

    // MARK: Changes the burst guard may hold

    func addChangeRoutes(_ scim: RouterGroup<ScimRequestContext>, _ path: RouterPath, _ resource: ScimChange.Resource) {
        let methods: [(HTTPRequest.Method, ScimChange.Method)] = [(.put, .put), (.patch, .patch), (.delete, .delete)]
        for (method, change) in methods {
            scim.on(path, method: method) { request, context in
                await respond { try await applyChange(change, resource, request, context) }
            }
        }
    }

    /// Applies a PUT, PATCH or DELETE; when the burst guard holds it, keeps it for an
    /// operator and answers 202 with the reason.
    func applyChange(
        _ method: ScimChange.Method, _ resource: ScimChange.Resource, _ request: Request, _ context: ScimRequestContext
    ) async throws -> Response {
        let id = try Self.id(context)
        var text = ""
        if method != .delete {
            let bytes = try await bodyBytes(request)
            _ = try ScimJSON.parse(bytes)  // malformed bodies are refused now, never held
            text = String(decoding: bytes, as: UTF8.self)
        }
        let change = ScimChange(method: method, resource: resource, id: id, body: text)
        let store = try store(context)
        do {
            switch try await change.apply(to: store) {
            case .user(let stored): return ScimResponse.json(userJSON(stored, request))
            case .group(let stored): return ScimResponse.json(groupJSON(stored, request))
            case .deleted: return ScimResponse.noContent()
            }
        } catch let held as ScimStore.Held {
            let number = try await store.hold(
                method: method.rawValue, resource: resource.rawValue, id: id, body: text, reason: held.reason)
            logger.warning(
                "SCIM change held for an operator",
                metadata: [
                    "provider": "\(store.provider)", "held": "\(number)",
                    "change": "\(method.rawValue) \(resource.rawValue)",
                    "reason": "\(held.reason)",
                ])
            return ScimResponse.json(
                ScimError(
                    status: 202,
                    detail: "held for an operator as change \(number) (ringfence scim held): \(held.reason)"
                ).body, status: 202)
        }
    }

    // MARK: Helpers

    func listUsers(_ query: ScimListQuery, _ request: Request, _ context: ScimRequestContext) async throws -> Response {
        let lookup = try ScimStore.UserLookup(equalities: try Self.equalities(query.filter))
        let page = try await store(context).users(lookup, startIndex: query.startIndex, count: query.count)
        return ScimResponse.json(
            ScimDiscovery.listResponse(
                page.resources.map { query.projection.apply(to: userJSON($0, request)) }, total: page.total,
                startIndex: query.startIndex))
    }

    func listGroups(_ query: ScimListQuery, _ request: Request, _ context: ScimRequestContext) async throws -> Response
    {
        let lookup = try ScimStore.GroupLookup(equalities: try Self.equalities(query.filter))
        let page = try await store(context).groups(
            lookup, startIndex: query.startIndex, count: query.count, members: !query.projection.excludes("members"))
        return ScimResponse.json(
            ScimDiscovery.listResponse(
                page.resources.map { query.projection.apply(to: groupJSON($0, request)) }, total: page.total,
                startIndex: query.startIndex))
    }

    /// `POST /.search` (RFC 7644 §3.4.3): users, then groups, as one list; a filter on an
    /// attribute one of them does not have matches none of that type.
    func searchAll(_ query: ScimListQuery, _ request: Request, _ context: ScimRequestContext) async throws -> Response {
        let equalities = try Self.equalities(query.filter)
        let store = try store(context)
        let userLookup = try? ScimStore.UserLookup(equalities: equalities)
        let groupLookup = try? ScimStore.GroupLookup(equalities: equalities)
        guard userLookup != nil || groupLookup != nil else {
            throw ScimError.invalidFilter("no resource type has the attributes of this filter")
        }
        var resources: [ScimJSON] = []
        var total = 0
        if let userLookup {
            let users = try await store.users(userLookup, startIndex: query.startIndex, count: query.count)
            resources += users.resources.map { query.projection.apply(to: userJSON($0, request)) }
            total += users.total
        }
        if let groupLookup {
            let start = max(1, query.startIndex - total)
            let groups = try await store.groups(
                groupLookup, startIndex: start, count: query.count - resources.count,
                members: !query.projection.excludes("members"))
            resources += groups.resources.map { query.projection.apply(to: groupJSON($0, request)) }
            total += groups.total
        }
        return ScimResponse.json(ScimDiscovery.listResponse(resources, total: total, startIndex: query.startIndex))
    }

    /// 405 for the methods a discovery endpoint does not take, and a SCIM 404 for any path
    /// that is no endpoint.
    func addRefusals(_ scim: RouterGroup<ScimRequestContext>) {
        let refuse: @Sendable (Request, ScimRequestContext) async throws -> Response = { request, _ in
            ScimResponse.error(
                ScimError(status: 405, detail: "\(request.method) is not allowed on \(request.uri.path)"))
        }
        for path in ["ServiceProviderConfig", "ResourceTypes", "ResourceTypes/:id", "Schemas", "Schemas/:id"] {
            for method in [HTTPRequest.Method.post, .put, .patch, .delete] {
                scim.on(RouterPath(path), method: method, use: refuse)
            }
        }
        let missing: @Sendable (Request, ScimRequestContext) async throws -> Response = { request, _ in
            ScimResponse.error(.notFound("no SCIM endpoint \(request.uri.path.prefix(120))"))
        }
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
            scim.on("**", method: method, use: missing)
        }
    }

    func store(_ context: ScimRequestContext) throws -> ScimStore {
        guard let provider = context.provider else { throw ScimError.unauthorized("not authenticated") }
        return ScimStore(client: client, provider: provider, burstGuard: burstGuard, logger: logger)
    }

    /// The resource id of the path: a UUID this service gave, else no such resource.
    static func id(_ context: ScimRequestContext) throws(ScimError) -> UUID {
        let text = context.parameters.get("id") ?? ""
        guard let id = UUID(uuidString: text) else { throw ScimError.notFound("no resource \(text.prefix(60))") }
        return id
    }

    static func equalities(_ filter: ScimFilter?) throws(ScimError) -> [(attribute: ScimAttributePath, value: String)] {
        guard let filter else { return [] }
        guard let equalities = filter.equalities else {
            throw ScimError.invalidFilter("this service filters with eq on a string, joined by and")
        }
        return equalities
    }

    func body(_ request: Request) async throws -> ScimJSON {
        try ScimJSON.parse(try await bodyBytes(request))
    }

    func bodyBytes(_ request: Request) async throws -> [UInt8] {
        do {
            return Array(try await request.body.collect(upTo: Self.maxBodyBytes).readableBytesView)
        } catch {
            throw ScimError(status: 413, detail: "the body is larger than \(Self.maxBodyBytes) bytes")
        }
    }

    func base(_ request: Request) -> String {
        if let publicURL { return publicURL }
        let host = request.head.authority ?? "localhost"
        return "https://\(host)/scim/v2"
    }

    static let placeholderMeta = ScimMeta(
        resourceType: "User", created: .distantPast, lastModified: .distantPast, location: "", version: "")

    func meta(_ type: String, id: UUID, created: Date, modified: Date, _ request: Request) -> ScimMeta {
        let path = type == "User" ? "/Users/" : "/Groups/"
        return ScimMeta(
            resourceType: type, created: created, lastModified: modified,
            location: base(request) + path + id.uuidString.lowercased(),
            version: "W/\"\(Int64(modified.timeIntervalSince1970 * 1_000_000))\"")
    }

    func userJSON(_ stored: ScimStore.StoredUser, _ request: Request) -> ScimJSON {
        stored.user.json(
            id: stored.id.uuidString.lowercased(),
            meta: meta("User", id: stored.id, created: stored.created, modified: stored.lastModified, request),
            groups: stored.groups.map { group in
                var group = group
                group.ref = base(request) + "/Groups/" + group.value
                return group
            })
    }

    func groupJSON(_ stored: ScimStore.StoredGroup, _ request: Request) -> ScimJSON {
        stored.group.json(
            id: stored.id.uuidString.lowercased(),
            meta: meta("Group", id: stored.id, created: stored.created, modified: stored.lastModified, request),
            members: stored.members.map { member in
                // `display` is left out: clients compare members with what they sent.
                var member = member
                member.display = nil
                member.ref = base(request) + (member.type == "Group" ? "/Groups/" : "/Users/") + member.value
                return member
            })
    }

    /// Runs a route; a `ScimError` becomes its document, anything else a 500 whose detail
    /// says nothing of the inside (it is logged).
    func respond(_ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let error as ScimError {
            return ScimResponse.error(error)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            // Two requests creating the same name at once: the index decides, as a 409.
            return ScimResponse.error(.uniqueness("a resource with this name or externalId exists"))
        } catch {
            logger.error("SCIM request failed", metadata: ["error": "\(String(reflecting: error))"])
            return ScimResponse.error(
                ScimError(status: 500, detail: "the request could not be completed; see the server log"))
        }
    }
}
