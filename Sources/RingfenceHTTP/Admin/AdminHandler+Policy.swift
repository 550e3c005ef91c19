import Foundation
import RingfenceAdminAPI
import RingfenceCore
import RingfenceFiles
import RingfenceServer
import RingfenceStore

/// Decisions and policy: resolve and explain, revisions with what they changed, the plan
/// of a publish or rollback, and the publish itself with the principal as actor.
extension AdminHandler {
    public func resolvePolicy(_ input: Operations.ResolvePolicy.Input) async throws -> Operations.ResolvePolicy.Output {
        guard case .json(let body) = input.body else { throw AdminFailure.badRequest("expected a JSON body") }
        let request = try Self.decisionRequest(body, now: now())
        let (resolution, _) = try await decisions.resolve(request)
        return .ok(
            .init(body: .json(.init(resolution, trace: body.trace ?? false, matchedOnly: body.matchedOnly ?? false))))
    }

    public func listRevisions(_ input: Operations.ListRevisions.Input) async throws -> Operations.ListRevisions.Output {
        let before = try PageCursor.decode(input.query.cursor, as: Int64.self)
        let limit = try AdminInput.limit(input.query.limit)
        let changes = try await policies.changes(before: before, limit: limit)
        let last = changes.last?.revision.number
        let next = last.flatMap { $0 > 1 ? PageCursor.encode($0) : nil }
        return .ok(
            .init(body: .json(.init(items: changes.map { .init($0.revision, diff: $0.diff) }, nextCursor: next))))
    }

    public func getRevision(_ input: Operations.GetRevision.Input) async throws -> Operations.GetRevision.Output {
        let number = input.path.revision
        guard number >= 1, number < Int64.max,
            let change = try await policies.changes(before: number + 1, limit: 1).first,
            change.revision.number == number
        else { throw AdminFailure.notFound("no policy revision \(number)") }
        return .ok(.init(body: .json(.init(change.revision, diff: change.diff))))
    }

    public func previewPolicy(_ input: Operations.PreviewPolicy.Input) async throws -> Operations.PreviewPolicy.Output {
        guard case .json(let body) = input.body else { throw AdminFailure.badRequest("expected a JSON body") }
        let bundle = try Self.bundle(of: body.files, now: now())
        return .ok(.init(body: .json(.init(try await publication.plan(publishing: bundle, now: now())))))
    }

    public func publishPolicy(_ input: Operations.PublishPolicy.Input) async throws -> Operations.PublishPolicy.Output {
        let principal = try AdminPrincipal.required()
        guard case .json(let body) = input.body else { throw AdminFailure.badRequest("expected a JSON body") }
        let comment = try AdminInput.required(body.comment, "comment", max: 2_000)
        let bundle = try Self.bundle(of: body.files, now: now())
        let plan = try await publication.plan(publishing: bundle, now: now())
        try Self.check(expected: body.expectedRevision, plan: plan)
        guard !plan.diff.isEmpty else { return .ok(.init(body: .json(.init(plan: .init(plan))))) }
        let revision = try await publication.publish(bundle, planned: plan, actor: principal.name, comment: comment)
        return .ok(.init(body: .json(.init(published: revision, plan: .init(plan)))))
    }

    public func rollbackPolicy(_ input: Operations.RollbackPolicy.Input) async throws
        -> Operations.RollbackPolicy.Output
    {
        let principal = try AdminPrincipal.required()
        guard case .json(let body) = input.body else { throw AdminFailure.badRequest("expected a JSON body") }
        let comment = try AdminInput.required(body.comment, "comment", max: 2_000)
        let plan = try await publication.plan(rollingBackTo: body.to, now: now())
        try Self.check(expected: body.expectedRevision, plan: plan)
        if body.previewOnly ?? false { return .ok(.init(body: .json(.init(plan: .init(plan))))) }
        let revision = try await publication.rollback(
            to: body.to, planned: plan, actor: principal.name, comment: comment)
        return .ok(.init(body: .json(.init(published: revision, plan: .init(plan)))))
    }

    /// 409 unless the plan was made against the revision the caller expected.
    static func check(expected: Int64?, plan: PolicyPublication.Plan) throws(AdminFailure) {
        guard let expected else { return }
        let current = plan.current?.number ?? 0
        guard expected == current else {
            throw .conflict("the current revision is \(current), not \(expected): another publish happened since")
        }
    }

    /// The policy of uploaded files, read as a policy directory is (names end in .yaml or
    /// .yml, each once; every problem with file and line).
    static func bundle(of files: [Components.Schemas.PolicyFile], now: Date) throws -> PolicyBundle {
        guard (1...1_000).contains(files.count) else {
            throw AdminFailure.badRequest("files must hold 1 to 1000 policy files, got \(files.count)")
        }
        var seen = Set<String>()
        var problems: [String] = []
        for file in files {
            if !(file.name.hasSuffix(".yaml") || file.name.hasSuffix(".yml")) || file.name.contains("/")
                || file.name.count > 255
            {
                problems.append("\(file.name.prefix(255)): a policy file name is NAME.yaml or NAME.yml")
            }
            if !seen.insert(file.name).inserted { problems.append("\(file.name): given twice") }
            if file.text.utf8.count > 1 << 20 { problems.append("\(file.name): larger than 1 MiB") }
        }
        guard problems.isEmpty else { throw AdminFailure.invalidPolicy(problems) }
        let sources = files.sorted { $0.name < $1.name }.map { (file: $0.name, text: $0.text) }
        return try PolicyFiles.parse(sources, now: now).bundle
    }

    /// The decision a resolve request asks for; 400 for values out of their range.
    static func decisionRequest(_ body: Components.Schemas.ResolveRequest, now: Date) throws -> DecisionQuery.Request {
        let user = try AdminInput.required(body.user, "user", max: 255)
        var hostID: UUID?
        if let host = body.host {
            guard let id = UUID(uuidString: host) else {
                throw AdminFailure.badRequest("host must be a host id (UUID)")
            }
            hostID = id
        }
        var ring: Ring?
        if let number = body.hostRing {
            guard let value = Ring(number: number) else { throw AdminFailure.badRequest("hostRing must be 1 to 4") }
            ring = value
        }
        let surfaces = try (body.surfaces ?? []).map { name in
            guard let surface = Surface(rawValue: name) else {
                throw AdminFailure.badRequest("'\(name.prefix(64))' is not a surface name (e.g. risky_shell)")
            }
            return surface
        }
        let groups = body.groups ?? []
        let roles = body.roles ?? []
        let tags = body.hostTags ?? []
        guard groups.count <= 500, roles.count <= 100, tags.count <= 100, surfaces.count <= 32,
            (groups + roles + tags).allSatisfy({ AdminInput.fits($0, max: 255) })
        else { throw AdminFailure.badRequest("too many or too long groups, roles, host tags or surfaces") }
        if let revision = body.revision, revision < 1 { throw AdminFailure.badRequest("revision must be 1 or more") }
        let context = DecisionContext(
            user: user, groups: groups, roles: roles, hostRing: ring, hostTags: tags,
            repo: try AdminInput.text(body.repository, "repository", max: 512),
            trust: body.trust.flatMap { RepoTrust(rawValue: $0.rawValue) },
            agent: try AdminInput.text(body.agent, "agent", max: 64) ?? "", surfaces: surfaces, at: body.at ?? now)
        return DecisionQuery.Request(context: context, hostID: hostID, asOf: body.at != nil, revision: body.revision)
    }
}
