import Foundation
import GRPCCore
import RingfenceStore

/// Turns the `authorization: Bearer <api key>` metadata of a call into an `AgentCaller`,
/// or the gRPC error the caller gets: UNAUTHENTICATED for a missing, malformed, unknown,
/// wrong, expired or revoked key, PERMISSION_DENIED for a key that is not an agent key,
/// RESOURCE_EXHAUSTED when the key is over its rate limit.
///
/// Stored keys are looked up by their public prefix and cached for a few seconds; the
/// presented key is hashed and compared with the stored digest in constant time on
/// every call. Error messages never contain the key.
///
/// When PostgreSQL cannot be reached, a key whose record was loaded before keeps working
/// on that record (its expiry and revocation as last read are still checked): a
/// revocation is a write to PostgreSQL, so none can have been made since. A key never
/// seen before gets UNAVAILABLE.
public struct AgentAuthenticator: Sendable {
    /// Looks a stored key up by prefix.
    public typealias Lookup = @Sendable (String) async throws -> StoredAPIKey?

    let lookup: Lookup
    let cache: ExpiringCache<String, StoredAPIKey?>
    let limiter: RateLimiter

    public init(lookup: @escaping Lookup, cacheSeconds: TimeInterval, limiter: RateLimiter) {
        self.lookup = lookup
        // While a record is reloaded, calls go on with the one before: a reload that waits
        // for an unreachable PostgreSQL must not hold every call of the key.
        self.cache = ExpiringCache(lifetime: cacheSeconds, servesStale: true)
        self.limiter = limiter
    }

    /// Authenticates a call and charges it to the key's rate limit.
    public func authenticate(_ metadata: Metadata, now: Date = Date()) async throws(RPCError) -> AgentCaller {
        guard let header = metadata[stringValues: "authorization"].first(where: { _ in true }) else {
            throw RPCError(code: .unauthenticated, message: "missing 'authorization: Bearer <api key>' metadata")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", let key = APIKey(parsing: String(parts[1])) else {
            throw RPCError(
                code: .unauthenticated, message: "malformed authorization: expected 'Bearer rf_<prefix>_<secret>'")
        }
        let stored: StoredAPIKey?
        do {
            // A record loaded before answers while it is reloaded (servesStale), also when
            // the reload fails; only a key never loaded waits for PostgreSQL.
            stored = try await cache.value(for: key.prefix, now: now) { try await lookup(key.prefix) }
        } catch {
            throw RPCError(code: .unavailable, message: "cannot check the API key now (database unavailable); retry")
        }
        guard let stored, key.matches(storedHash: stored.hash) else {
            throw RPCError(code: .unauthenticated, message: "unknown API key \(key.prefix)")
        }
        if stored.revokedAt != nil {
            throw RPCError(code: .unauthenticated, message: "API key \(key.prefix) was revoked")
        }
        if stored.expiresAt <= now {
            throw RPCError(code: .unauthenticated, message: "API key \(key.prefix) expired; enrol again")
        }
        guard stored.kind == .agent, let hostID = stored.hostID else {
            throw RPCError(code: .permissionDenied, message: "API key \(key.prefix) is not an agent key")
        }
        if stored.hostRetired {
            throw RPCError(code: .unauthenticated, message: "the host of API key \(key.prefix) was retired")
        }
        if let wait = limiter.admit(key.prefix, now: now) {
            throw RPCError(
                code: .resourceExhausted,
                message: "rate limit of API key \(key.prefix) exceeded; \(RetryAfter.text(seconds: wait))")
        }
        return AgentCaller(hostID: hostID, keyPrefix: key.prefix)
    }

    /// Forgets a cached key (after this process revoked or rotated it).
    public func forget(prefix: String) {
        cache.remove(prefix)
    }
}
