import ArgumentParser
import Foundation
import RingfenceAdminAPI
import RingfenceCore

/// Exception requests and the rollout through the admin API (`--server`).
extension RemoteAdmin {
    /// Requests, newest first, up to `limit`.
    func exceptions(status: ExceptionRequest.Status?, limit: Int) async throws -> [ExceptionRequest] {
        let status = status.flatMap { Components.Schemas.ExceptionStatus(rawValue: $0.rawValue) }
        return try await Self.all(pages: max(1, (limit + 499) / 500)) { cursor in
            let page = try await client.listExceptions(
                query: .init(status: status, limit: min(limit, 500), cursor: cursor)
            ).ok.body.json
            return (page.items, page.nextCursor)
        }.prefix(limit).map(ExceptionRequest.init)
    }

    /// One request and who may decide it.
    func exception(_ id: Int64) async throws -> (ExceptionRequest, approvers: [String]) {
        let detail = try await client.getException(path: .init(id: id)).ok.body.json
        return (ExceptionRequest(detail.request), detail.approvers)
    }

    /// Approves (or denies) a request as the token's person.
    func decide(_ id: Int64, approve: Bool, comment: String?) async throws -> ExceptionRequest {
        let body = Components.Schemas.ExceptionDecision(comment: comment)
        let decided =
            approve
            ? try await client.approveException(path: .init(id: id), body: .json(body)).ok.body.json
            : try await client.denyException(path: .init(id: id), body: .json(body)).ok.body.json
        return ExceptionRequest(decided)
    }

    /// The rollout's steps with their decisions and gates.
    func rolloutStatus() async throws -> Components.Schemas.RolloutStatus {
        try await client.getRolloutStatus().ok.body.json
    }
}

extension ExceptionRequest {
    /// A request as the admin API returned it.
    init(_ document: Components.Schemas.ExceptionRequest) {
        self.init(
            id: document.id, requestedAt: document.requestedAt, requester: document.requester,
            host: document.host.flatMap(UUID.init(uuidString:)), pack: document.pack, rule: document.rule,
            repo: document.repo, justification: document.justification,
            duration: TimeInterval(document.durationSeconds),
            status: Status(rawValue: document.status.rawValue) ?? .pending, decidedBy: document.decidedBy,
            decidedAt: document.decidedAt, comment: document.comment, revision: document.revision,
            validUntil: document.validUntil)
    }
}
