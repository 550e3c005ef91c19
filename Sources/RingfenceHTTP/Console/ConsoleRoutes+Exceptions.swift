import Foundation
import Hummingbird
import RingfenceAdminAPI
import RingfenceCore

/// Exception requests in the console: the list (by status), one request with who may
/// decide it, and the approve and deny forms (CSRF, a comment) for those who may.
extension ConsoleRoutes {
    func exceptions(_ request: Request, _ principal: AdminPrincipal, _ csrf: String) async throws -> Response {
        try Self.require(principal, "listExceptions")
        let query = request.uri.queryParameters
        let status = query.get("status").flatMap { Components.Schemas.ExceptionStatus(rawValue: $0) }
        let cursor = query.get("cursor").flatMap { $0.isEmpty ? nil : $0 }
        let page = try await handler.listExceptions(.init(query: .init(status: status, limit: 50, cursor: cursor)))
            .ok.body.json
        var values = layout(principal, csrf, title: "Exception requests")
        values["statuses"] = Components.Schemas.ExceptionStatus.allCases.map {
            ["value": $0.rawValue, "selected": $0 == status]
        }
        values["requests"] = page.items.map(Self.exceptionRow)
        if let next = page.nextCursor {
            var components = URLComponents()
            components.path = "/console/exceptions"
            components.queryItems =
                [status.map { URLQueryItem(name: "status", value: $0.rawValue) }].compactMap { $0 } + [
                    URLQueryItem(name: "cursor", value: next)
                ]
            values["next"] = components.string ?? ""
        }
        return ConsoleResponse.page(templates.render("exceptions", values))
    }

    func exception(_ id: String, _ principal: AdminPrincipal, _ csrf: String) async throws -> Response {
        try Self.require(principal, "getException")
        let detail = try await handler.getException(.init(path: .init(id: try Self.exceptionID(id)))).ok.body.json
        var values = layout(principal, csrf, title: "Exception request \(detail.request.id)")
        values["request"] = Self.exceptionRow(detail.request)
        values["justification"] = detail.request.justification
        values["approvers"] = detail.approvers.joined(separator: ", ")
        values["mayDecide"] = detail.mayDecide
        return ConsoleResponse.page(templates.render("exception", values))
    }

    /// `POST /console/exceptions/:id` with `action` approve or deny.
    func decide(_ id: String, _ fields: [String: String], _ principal: AdminPrincipal) async throws -> Response {
        let number = try Self.exceptionID(id)
        let comment = (fields["comment"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let body = Components.Schemas.ExceptionDecision(comment: comment.isEmpty ? nil : comment)
        switch fields["action"] {
        case "approve":
            try Self.require(principal, "approveException")
            _ = try await handler.approveException(.init(path: .init(id: number), body: .json(body))).ok
        case "deny":
            try Self.require(principal, "denyException")
            _ = try await handler.denyException(.init(path: .init(id: number), body: .json(body))).ok
        default:
            throw AdminFailure.badRequest("choose approve or deny")
        }
        return ConsoleResponse.redirect("/console/exceptions/\(number)")
    }

    static func exceptionRow(_ request: Components.Schemas.ExceptionRequest) -> [String: Any] {
        // What a request does not have yet is left out: an empty string would still open
        // its Mustache section.
        [
            "id": request.id, "status": request.status.rawValue, "requester": request.requester,
            "rule": "\(request.pack)/\(request.rule)", "repo": request.repo, "requested": time(request.requestedAt),
            "hours": Double(request.durationSeconds) / 3_600,
        ].merging(
            [
                "decidedBy": request.decidedBy, "comment": request.comment,
                "revision": request.revision.map(String.init), "until": request.validUntil.map { time($0) },
            ].compactMapValues { $0 }
        ) { first, _ in first }
    }

    static func exceptionID(_ text: String) throws -> Int64 {
        guard let number = Int64(text), number >= 1 else { throw AdminFailure.notFound("no exception request \(text)") }
        return number
    }
}
