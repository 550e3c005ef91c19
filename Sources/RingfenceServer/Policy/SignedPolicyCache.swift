import Foundation
import RingfenceAdapters
import RingfenceCore

/// The signed policies FetchPolicy answered lately, so the same answer is not signed twice:
/// a signed policy is a function of the user, the revision, the etag (ring, levels, rules,
/// whether the repository is managed) and the repository (its slug and, through the
/// revision, its trust).
public struct SignedPolicyCache: Sendable {
    struct Key: Hashable, Sendable {
        var user: String
        var revision: Int64
        var etag: String
        var repository: String
    }

    let signer: PolicySigner
    let entries: ExpiringCache<Key, PolicySigner.Signed>

    /// Answers signed with `signer`, kept `lifetime` seconds (at most `capacity` of them).
    public init(signer: PolicySigner, lifetime: TimeInterval = 300, capacity: Int = 20_000) {
        self.signer = signer
        self.entries = ExpiringCache(lifetime: lifetime, capacity: capacity)
    }

    /// The signed policy of `resolution`, signed now or taken from the cache.
    public func signed(_ resolution: Resolution, now: Date = Date()) throws -> PolicySigner.Signed {
        let key = Key(
            user: resolution.context.user, revision: resolution.revision, etag: resolution.etag,
            repository: resolution.context.repo ?? "")
        if let hit = entries.fresh(key, now: now) { return hit }
        let signed = try signer.sign(AgentPolicy(resolution))
        entries.store(signed, for: key, now: now)
        return signed
    }
}
