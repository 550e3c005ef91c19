import Foundation
import RingfenceAdminAPI
import RingfenceCore
import RingfenceStore

/// Exception requests: listed, shown with who may decide them, approved (publishing the
/// exception in a new revision) or denied — always as the signed-in person, who must be
/// one of the request's approvers (`ExceptionRules.checkDecider`). A manager lists only
/// the requests they may decide.
extension AdminHandler {
    public func listExceptions(_ input: Operations.ListExceptions.Input) async throws
        -> Operations.ListExceptions.Output
    {
        let principal = try AdminPrincipal.required()
        let status = input.query.status.flatMap { ExceptionRequest.Status(rawValue: $0.rawValue) }
        let (requests, more) = try await exceptions.page(
            status: status, before: try PageCursor.decode(input.query.cursor, as: Int64.self),
            limit: try AdminInput.limit(input.query.limit),
            decider: principal.role == .manager ? principal.name : nil, approverGroup: approverGroup)
        let next = more ? requests.last.map { PageCursor.encode($0.id) } : nil
        return .ok(.init(body: .json(.init(items: requests.map { .init($0) }, nextCursor: next))))
    }

    public func getException(_ input: Operations.GetException.Input) async throws -> Operations.GetException.Output {
        let principal = try AdminPrincipal.required()
        let (request, approvers) = try await readable(input.path.id, by: principal)
        let mayDecide =
            request.status == .pending && principal.role.allows(.decideExceptions)
            && approvers.contains(principal.name.lowercased())
        return .ok(
            .init(body: .json(.init(request: .init(request), approvers: approvers.sorted(), mayDecide: mayDecide))))
    }

    public func approveException(_ input: Operations.ApproveException.Input) async throws
        -> Operations.ApproveException.Output
    {
        guard case .json(let body) = input.body else { throw AdminFailure.badRequest("a JSON body is required") }
        return .ok(.init(body: .json(try await decide(input.path.id, comment: body.comment, approve: true))))
    }

    public func denyException(_ input: Operations.DenyException.Input) async throws -> Operations.DenyException.Output {
        guard case .json(let body) = input.body else { throw AdminFailure.badRequest("a JSON body is required") }
        return .ok(.init(body: .json(try await decide(input.path.id, comment: body.comment, approve: false))))
    }

    /// Approves or denies as the principal. The store refuses an unknown request (404) and
    /// anyone who is not one of its approvers — a manager included — or is its requester (403).
    func decide(_ id: Int64, comment given: String?, approve: Bool) async throws -> Components.Schemas.ExceptionRequest
    {
        let principal = try AdminPrincipal.required()
        let comment = try AdminInput.text(given, "comment", max: 2_000)
        let request =
            approve
            ? try await exceptions.approve(id, by: principal.name, comment: comment, approverGroup: approverGroup)
            : try await exceptions.deny(id, by: principal.name, comment: comment, approverGroup: approverGroup)
        return .init(request)
    }

    /// The request and its approvers, if the principal may see it: a manager only those
    /// they may decide (403 otherwise, as for another manager's group).
    func readable(_ id: Int64, by principal: AdminPrincipal) async throws -> (ExceptionRequest, Set<String>) {
        let request = try await exceptions.request(id)
        let approvers = Set(try await exceptions.approvers(of: request.requester, approverGroup: approverGroup).keys)
        if principal.role == .manager, !approvers.contains(principal.name.lowercased()) {
            throw AdminFailure.forbidden("\(principal.name) may see only the requests they may decide")
        }
        return (request, approvers)
    }
}
