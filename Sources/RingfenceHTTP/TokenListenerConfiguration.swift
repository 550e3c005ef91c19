/// What every HTTP listener of `serve` that takes bearer tokens is configured with (the
/// `scim:` and `admin:` sections): where it listens, the per-token rate limit, and how long a
/// token's stored record is used before it is read again.
public protocol TokenListenerConfiguration {
    var listener: HTTPListener { get set }
    /// Requests per second per token, and the burst above it.
    var ratePerSecond: Double { get set }
    var burst: Double { get set }
    /// How long a token's stored record is used before it is read again (bounds how long a
    /// revocation made on another replica takes to apply).
    var tokenCacheSeconds: Double { get set }
}
