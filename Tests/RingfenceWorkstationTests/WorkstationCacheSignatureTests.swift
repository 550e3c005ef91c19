import Crypto
import Foundation
import RingfenceAdapters
import RingfenceCore
import RingfenceTestSupport
import RingfenceWorkstation
import Testing

/// The hook uses only a policy the server signed: an edited cache counts as no cache.
@Suite("WorkstationCache signatures")
struct WorkstationCacheSignatureTests {
    static let policy = AgentPolicy(
        user: "alice", ring: 4, revision: 7, etag: "e-1",
        repository: .init(slug: "acme/infra", trust: .production, managed: true),
        surfaces: [
            .init(
                surface: .riskyShell, level: .block, uncappedLevel: .block,
                rules: [
                    .init(
                        pack: "shell", packVersion: 1, id: "RS-1", match: ["rm -rf /*"], level: .block,
                        uncappedLevel: .block, risk: .critical, description: "")
                ])
        ])

    /// A cache holding the policy signed by `server`, its public key installed.
    static func cache(in folder: URL, server: Curve25519.Signing.PrivateKey) throws -> WorkstationCache {
        let cache = WorkstationCache(directory: folder.path)
        try cache.storeSigningKey(Array(server.publicKey.rawRepresentation))
        let bytes = policy.binary
        try cache.storePolicy(signed: bytes, signature: try SignedPolicy.sign(bytes, with: server))
        return cache
    }

    static func refusal(_ cached: HookRun.CachedPolicy) -> String? {
        if case .unavailable(let reason) = cached { return reason }
        return nil
    }

    @Test("a signed policy is read back whole and by surface")
    func signed() throws {
        try GitTool.withFolder { folder in
            let cache = try Self.cache(in: folder, server: Curve25519.Signing.PrivateKey())
            guard case .available(let read) = cache.cachedPolicy() else {
                Issue.record("expected the policy")
                return
            }
            #expect(read == Self.policy)
            #expect(try String(contentsOfFile: cache.policyPath, encoding: .utf8).contains("acme/infra"))
        }
    }

    @Test("every edited byte, a policy signed by another key, an unsigned policy and a missing key are refused")
    func edited() throws {
        try GitTool.withFolder { folder in
            let server = Curve25519.Signing.PrivateKey()
            let cache = try Self.cache(in: folder, server: server)
            let original = try Data(contentsOf: URL(fileURLWithPath: cache.binaryPolicyPath))
            for index in stride(from: 0, to: original.count, by: 3) {
                var edited = original
                edited[index] ^= 0x20
                try edited.write(to: URL(fileURLWithPath: cache.binaryPolicyPath))
                #expect(Self.refusal(cache.cachedPolicy()) != nil, "byte \(index)")
            }
            // Looser rules signed by someone else.
            var looser = Self.policy
            looser.surfaces[0].rules[0].level = .observe
            let other = Curve25519.Signing.PrivateKey()
            try Data(
                SignedPolicy.seal(policy: looser.binary, signature: try SignedPolicy.sign(looser.binary, with: other))
            )
            .write(to: URL(fileURLWithPath: cache.binaryPolicyPath))
            #expect(Self.refusal(cache.cachedPolicy())?.contains("signature does not verify") == true)
            // The bare binary form, without a signature.
            try Data(looser.binary).write(to: URL(fileURLWithPath: cache.binaryPolicyPath))
            #expect(Self.refusal(cache.cachedPolicy())?.contains("not a signed policy") == true)
            // Installing a policy whose signature does not verify fails and keeps the file.
            try original.write(to: URL(fileURLWithPath: cache.binaryPolicyPath))
            #expect(throws: SignedPolicy.Refusal.self) {
                try cache.storePolicy(
                    signed: looser.binary, signature: try SignedPolicy.sign(looser.binary, with: other))
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: cache.binaryPolicyPath)) == original)
            // No key: no policy.
            try FileManager.default.removeItem(atPath: cache.signingKeyPath)
            #expect(Self.refusal(cache.cachedPolicy())?.contains("no policy signing key") == true)
        }
    }
}
