import RingfenceCore

/// Who an admin API request acts for, once `AdminAuthentication` checked its token: the
/// person or automation (recorded as actor of every change) and the role that decides
/// what they may do. Available to handlers as ``current`` for the request's task.
public struct AdminPrincipal: Sendable, Equatable {
    public var name: String
    public var role: AdminRole
    /// The public prefix of the token that authenticated the request.
    public var tokenPrefix: String

    public init(name: String, role: AdminRole, tokenPrefix: String) {
        self.name = name
        self.role = role
        self.tokenPrefix = tokenPrefix
    }

    /// The principal of the request being handled; nil outside an authenticated request.
    @TaskLocal public static var current: AdminPrincipal?

    /// The current principal; a request that reached a handler without one is refused.
    static func required() throws -> AdminPrincipal {
        guard let current else { throw AdminFailure.unauthorized("no authenticated principal") }
        return current
    }
}
