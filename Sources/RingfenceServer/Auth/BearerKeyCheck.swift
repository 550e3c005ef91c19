import Foundation
import RingfenceCore
import RingfenceStore

/// Checks a presented `Authorization: Bearer <key>` against the stored keys, for every
/// listener that takes keys (the agent service, the SCIM service): parsed, looked up by
/// its public prefix (cached for a few seconds), hashed and compared in constant time,
/// not revoked, not expired, of the kind the listener takes, and under its rate limit.
/// Failures never contain the key.
///
/// When PostgreSQL cannot be reached, a key whose record was loaded before keeps working
/// on that record (its expiry and revocation as last read are still checked): a
/// revocation is a write to PostgreSQL, so none can have been made since. A key never
/// seen before is `unavailable`.
public struct BearerKeyCheck: Sendable {
    /// Looks a stored key up by prefix.
    public typealias Lookup = @Sendable (String) async throws -> StoredAPIKey?

    /// Why a key was refused; `description` is the message for the caller.
    public enum Failure: Error, Equatable, CustomStringConvertible {
        case missing
        case malformed
        case unavailable
        case unknown(prefix: String)
        case revoked(prefix: String)
        case expired(prefix: String)
        case wrongKind(prefix: String, expected: StoredAPIKey.Kind)
        case retired(prefix: String)
        case rateLimited(prefix: String, seconds: Double)

        public var description: String {
            switch self {
            case .missing: "missing 'authorization: Bearer <api key>'"
            case .malformed: "malformed authorization: expected 'Bearer rf_<prefix>_<secret>'"
            case .unavailable: "cannot check the API key now (database unavailable); retry"
            case .unknown(let prefix): "unknown API key \(prefix)"
            case .revoked(let prefix): "API key \(prefix) was revoked"
            case .expired(let prefix): "API key \(prefix) expired; enrol again"
            case .wrongKind(let prefix, let kind):
                "API key \(prefix) is not \(kind == .agent ? "an agent key" : "a \(kind.rawValue) key")"
            case .retired(let prefix): "the host of API key \(prefix) was retired"
            case .rateLimited(let prefix, let seconds):
                "rate limit of API key \(prefix) exceeded; \(RetryAfter.text(seconds: seconds))"
            }
        }
    }

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

    /// The stored key an `Authorization` header value presents, charged to its rate limit.
    public func check(header: String?, kind: StoredAPIKey.Kind, now: Date = Date()) async throws(Failure)
        -> (key: APIKey, stored: StoredAPIKey)
    {
        guard let header else { throw .missing }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", let key = APIKey(parsing: String(parts[1])) else {
            throw .malformed
        }
        let stored: StoredAPIKey?
        do {
            stored = try await cache.value(for: key.prefix, now: now) { try await lookup(key.prefix) }
        } catch {
            throw .unavailable
        }
        guard let stored, key.matches(storedHash: stored.hash) else { throw .unknown(prefix: key.prefix) }
        if stored.revokedAt != nil { throw .revoked(prefix: key.prefix) }
        if stored.expiresAt <= now { throw .expired(prefix: key.prefix) }
        guard stored.kind == kind else { throw .wrongKind(prefix: key.prefix, expected: kind) }
        if stored.hostRetired { throw .retired(prefix: key.prefix) }
        if let wait = limiter.admit(key.prefix, now: now) { throw .rateLimited(prefix: key.prefix, seconds: wait) }
        return (key, stored)
    }

    /// Forgets a cached key (after this process revoked or rotated it).
    public func forget(prefix: String) {
        cache.remove(prefix)
    }
}
