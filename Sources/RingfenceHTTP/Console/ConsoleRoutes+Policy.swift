import Foundation
import Hummingbird
import RingfenceAdminAPI
import RingfenceCore
import RingfenceServer

/// The console's policy pages: explain a decision, the revisions with what each changed,
/// and a rollback — its plan first, then the publish with a comment and the person as actor.
extension ConsoleRoutes {
    func explain(_ request: Request, _ principal: AdminPrincipal, _ csrf: String) async throws -> Response {
        try Self.require(principal, "resolvePolicy")
        let query = request.uri.queryParameters
        func text(_ name: String) -> String { query.get(name) ?? "" }
        var values = layout(principal, csrf, title: "Explain a decision")
        values["form"] = [
            "user": text("user"), "host": text("host"), "repository": text("repository"), "agent": text("agent"),
            "at": text("at"),
        ]
        guard !text("user").isEmpty else { return ConsoleResponse.page(templates.render("explain", values)) }
        var at: Date?
        if !text("at").isEmpty {
            guard let moment = ISO8601DateFormatter().date(from: text("at")) else {
                throw AdminFailure.badRequest("'at' must look like 2026-12-01T10:00:00Z")
            }
            at = moment
        }
        func given(_ name: String) -> String? { text(name).isEmpty ? nil : text(name) }
        let resolution = try await handler.resolvePolicy(
            .init(
                body: .json(
                    .init(
                        user: text("user"), host: given("host"), repository: given("repository"),
                        agent: given("agent"), at: at, trace: true)))
        ).ok.body.json
        values["resolution"] = [
            "ring": resolution.ring, "ringSource": resolution.ringSource, "revision": resolution.revision,
            "groups": resolution.groups.isEmpty ? "none" : resolution.groups.joined(separator: ", "),
            "surfaces": resolution.surfaces.map { surface -> [String: Any] in
                [
                    "surface": surface.surface, "level": surface.level.rawValue,
                    "rules": surface.rules.map { "\($0.pack)/\($0.id) \($0.level.rawValue)" }.joined(separator: ", "),
                ]
            },
            "trace": (resolution.trace ?? []).map {
                [
                    "assignment": $0.assignment, "priority": $0.priority, "outcome": $0.outcome.rawValue,
                    "reason": $0.reason,
                ]
            },
        ]
        return ConsoleResponse.page(templates.render("explain", values))
    }

    func policy(_ request: Request, _ principal: AdminPrincipal, _ csrf: String) async throws -> Response {
        try Self.require(principal, "listRevisions")
        let cursor = request.uri.queryParameters.get("cursor")
        let page = try await handler.listRevisions(.init(query: .init(limit: 50, cursor: cursor))).ok.body.json
        let canPublish = AdminOperationPermissions.allows(principal.role, "rollbackPolicy")
        let newest = cursor == nil ? page.items.first?.number : nil
        var values = layout(principal, csrf, title: "Policy revisions")
        values["canPublish"] = canPublish
        values["revisions"] = page.items.map { revision -> [String: Any] in
            [
                "number": revision.number, "at": Self.time(revision.createdAt), "by": revision.createdBy,
                "comment": revision.comment ?? "", "changeCount": revision.changes.count, "canPublish": canPublish,
                "current": revision.number == newest,
            ]
        }
        values["next"] = page.nextCursor.map { "/console/policy?cursor=\($0)" } as Any
        return ConsoleResponse.page(templates.render("policy", values))
    }

    func revision(_ number: String, _ principal: AdminPrincipal, _ csrf: String) async throws -> Response {
        try Self.require(principal, "getRevision")
        let revision = try await handler.getRevision(.init(path: .init(revision: try Self.revisionNumber(number))))
            .ok.body.json
        var values = layout(principal, csrf, title: "Revision \(revision.number)")
        values["by"] = revision.createdBy
        values["at"] = Self.time(revision.createdAt)
        values["comment"] = revision.comment as Any
        values["changes"] = revision.changes
        return ConsoleResponse.page(templates.render("revision", values))
    }

    /// The plan of returning to a revision, with the form that publishes it.
    func rollbackPlan(_ number: String, _ principal: AdminPrincipal, _ csrf: String) async throws -> Response {
        try Self.require(principal, "rollbackPolicy")
        let target = try Self.revisionNumber(number)
        let plan = try await handler.rollbackPolicy(
            .init(body: .json(.init(to: target, comment: "preview", previewOnly: true)))
        ).ok.body.json.plan
        var values = layout(principal, csrf, title: "Roll back to revision \(target)")
        values["target"] = target
        values["current"] = plan.currentRevision ?? 0
        values["changes"] = plan.changes
        values["impact"] = plan.impactText
        return ConsoleResponse.page(templates.render("rollback", values))
    }

    /// The rollback itself, refused when another revision was published since the plan.
    func rollback(_ number: String, _ fields: [String: String], _ principal: AdminPrincipal) async throws -> Response {
        try Self.require(principal, "rollbackPolicy")
        let target = try Self.revisionNumber(number)
        let (comment, expected) = try Self.commentAndPlan(fields, doing: "roll back")
        let result = try await handler.rollbackPolicy(
            .init(body: .json(.init(to: target, comment: comment, expectedRevision: expected)))
        ).ok.body.json
        return ConsoleResponse.redirect("/console/policy/\(result.published ?? target)")
    }

    /// A form's required comment and the revision its plan was made against.
    static func commentAndPlan(_ fields: [String: String], doing action: String) throws(AdminFailure) -> (
        comment: String, expected: Int64
    ) {
        let comment = (fields["comment"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !comment.isEmpty, comment.count <= 2_000 else {
            throw .badRequest("say why you \(action): the comment is recorded with the revision")
        }
        guard let expected = fields["expected"].flatMap(Int64.init) else {
            throw .badRequest("the form lost the revision its plan was made against; reload it")
        }
        return (comment, expected)
    }

    static func revisionNumber(_ text: String) throws -> Int64 {
        guard let number = Int64(text), number >= 1 else { throw AdminFailure.notFound("no policy revision \(text)") }
        return number
    }
}

/// Publishing from the console: the policy pasted as YAML documents, previewed with every
/// person whose level changes, then published with a comment against the revision the
/// preview was made for.
extension ConsoleRoutes {
    func publishForm(_ principal: AdminPrincipal, _ csrf: String) async throws -> Response {
        try Self.require(principal, "publishPolicy")
        let current = try await handler.listRevisions(.init(query: .init(limit: 1))).ok.body.json.items.first
        var values = layout(principal, csrf, title: "Publish a change")
        values["current"] = current?.number ?? 0
        values["policy"] = ""
        return ConsoleResponse.page(templates.render("publish", values))
    }

    func publish(_ fields: [String: String], _ principal: AdminPrincipal, _ csrf: String) async throws -> Response {
        try Self.require(principal, "publishPolicy")
        let text = fields["policy"] ?? ""
        let files = [Components.Schemas.PolicyFile(name: "policy.yaml", text: text)]
        var values = layout(principal, csrf, title: "Publish a change")
        values["policy"] = text
        let plan: Components.Schemas.PolicyPlan
        do {
            plan = try await handler.previewPolicy(.init(body: .json(.init(files: files)))).ok.body.json
        } catch {
            let failure = AdminErrorMiddleware.failure(for: error)
            guard failure.status == 422 else { throw error }
            values["problems"] = failure.problems
            values["hasProblems"] = true
            values["current"] = fields["expected"] ?? "0"
            return ConsoleResponse.page(templates.render("publish", values), status: .unprocessableContent)
        }
        if fields["action"] == "publish" {
            let (comment, expected) = try Self.commentAndPlan(fields, doing: "publish")
            let result = try await handler.publishPolicy(
                .init(body: .json(.init(files: files, comment: comment, expectedRevision: expected)))
            ).ok.body.json
            guard let revision = result.published else {
                throw AdminFailure.conflict("nothing to publish: the policy equals the current revision")
            }
            return ConsoleResponse.redirect("/console/policy/\(revision)")
        }
        values["planned"] = true
        values["current"] = plan.currentRevision ?? 0
        values["changes"] = plan.changes
        values["impact"] = plan.impactText
        values["people"] = plan.impact.changes.map {
            [
                "user": $0.user, "repository": $0.repository, "surface": $0.surface, "from": $0.from.rawValue,
                "to": $0.to.rawValue,
            ]
        }
        return ConsoleResponse.page(templates.render("publish", values))
    }
}
