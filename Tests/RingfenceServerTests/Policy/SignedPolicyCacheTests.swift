import Crypto
import Foundation
import RingfenceAdapters
import RingfenceCore
import Testing

@testable import RingfenceServer

/// A cached signed policy is only ever the one its resolution would be signed as.
@Suite("SignedPolicyCache")
struct SignedPolicyCacheTests {
    @Test("answers differing only in user, repository or revision are never served for each other")
    func keys() throws {
        let pack = PackVersion(
            pack: "shell", version: 1,
            rules: [Rule(id: "RS-1", surface: .riskyShell, match: ["rm -rf /*"], level: .block, risk: .critical)])
        let bundle = PolicyBundle(
            packs: [pack], assignments: [Assignment(id: "base", pack: "shell", priority: 1)],
            repositories: [RepositoryRule(match: "acme/**", trust: .internal)])
        let signer = PolicySigner(key: Curve25519.Signing.PrivateKey())
        let cache = SignedPolicyCache(signer: signer)
        let now = Date()
        var etags: Set<String> = []
        for revision: Int64 in [1, 2] {
            let snapshot = try PolicySnapshot(bundle: bundle, revision: revision)
            for user in ["alice", "bob"] {
                for repo in ["acme/api", "acme/web"] {
                    let resolution = snapshot.resolve(DecisionContext(user: user, repo: repo, at: now))
                    etags.insert(resolution.etag)
                    let expected = try signer.sign(AgentPolicy(resolution))
                    for _ in 0..<2 {  // a miss, then a hit
                        let answer = try cache.signed(resolution, now: now)
                        #expect(answer.policy == expected.policy, "\(user) \(repo) r\(revision)")
                        #expect(answer.signature == expected.signature)
                    }
                }
            }
        }
        #expect(etags.count == 1, "the etag alone does not tell these answers apart")
    }
}
