import Foundation
import RingfenceAdminAPI
import RingfenceCore
import RingfenceStore

/// Admin tokens: listed without secrets, made with the secret shown once, revoked.
extension AdminHandler {
    public func listTokens(_ input: Operations.ListTokens.Input) async throws -> Operations.ListTokens.Output {
        let (tokens, more) = try await fleet.adminTokens(
            before: try PageCursor.decode(input.query.cursor, as: Int64.self),
            limit: try AdminInput.limit(input.query.limit))
        let next = more ? tokens.last.map { PageCursor.encode($0.id) } : nil
        return .ok(.init(body: .json(.init(items: tokens.map { .init($0) }, nextCursor: next))))
    }

    public func createToken(_ input: Operations.CreateToken.Input) async throws -> Operations.CreateToken.Output {
        let principal = try AdminPrincipal.required()
        guard case .json(let body) = input.body else { throw AdminFailure.badRequest("expected a JSON body") }
        guard AdminTokenLabel.isValid(body.label) else { throw AdminFailure.badRequest(AdminTokenLabel.rule) }
        let days = body.days ?? 90
        guard (1...397).contains(days) else { throw AdminFailure.badRequest("days must be 1 to 397, got \(days)") }
        let key = APIKey.generate()
        let moment = now()
        let token = try await fleet.createAdminKey(
            prefix: key.prefix, hash: key.hash, label: body.label, role: body.role.role, createdBy: principal.name,
            expiresAt: moment.addingTimeInterval(TimeInterval(days) * 86_400), now: moment)
        return .created(.init(body: .json(.init(token: .init(token), secret: key.text))))
    }

    public func revokeToken(_ input: Operations.RevokeToken.Input) async throws -> Operations.RevokeToken.Output {
        let prefix = try AdminInput.required(input.path.prefix, "prefix", max: 64)
        guard try await fleet.revokeAdminKey(prefix: prefix, now: now()) else {
            throw AdminFailure.notFound("no active admin token \(prefix)")
        }
        forgetToken(prefix)
        return .noContent(.init())
    }
}
