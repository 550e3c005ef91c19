import Foundation
import GRPCCore
import RingfenceCore
import RingfenceStore

/// Turns the `authorization: Bearer <api key>` metadata of a call into an `AgentCaller`,
/// or the gRPC error the caller gets: UNAUTHENTICATED for a missing, malformed, unknown,
/// wrong, expired or revoked key, PERMISSION_DENIED for a key that is not an agent key,
/// RESOURCE_EXHAUSTED when the key is over its rate limit, UNAVAILABLE when a key never
/// seen cannot be looked up. The checks themselves are `BearerKeyCheck`'s.
public struct AgentAuthenticator: Sendable {
    /// Looks a stored key up by prefix.
    public typealias Lookup = BearerKeyCheck.Lookup

    let check: BearerKeyCheck

    public init(lookup: @escaping Lookup, cacheSeconds: TimeInterval, limiter: RateLimiter) {
        check = BearerKeyCheck(lookup: lookup, cacheSeconds: cacheSeconds, limiter: limiter)
    }

    /// Authenticates a call and charges it to the key's rate limit.
    public func authenticate(_ metadata: Metadata, now: Date = Date()) async throws(RPCError) -> AgentCaller {
        do throws(BearerKeyCheck.Failure) {
            let header = metadata[stringValues: "authorization"].first(where: { _ in true })
            let (key, stored) = try await check.check(header: header, kind: .agent, now: now)
            guard let hostID = stored.hostID else {
                throw BearerKeyCheck.Failure.wrongKind(prefix: key.prefix, expected: .agent)
            }
            return AgentCaller(hostID: hostID, keyPrefix: key.prefix)
        } catch {
            let code: RPCError.Code =
                switch error {
                case .wrongKind: .permissionDenied
                case .rateLimited: .resourceExhausted
                case .unavailable: .unavailable
                default: .unauthenticated
                }
            throw RPCError(code: code, message: error.description)
        }
    }

    /// Forgets a cached key (after this process revoked or rotated it).
    public func forget(prefix: String) {
        check.forget(prefix: prefix)
    }
}
