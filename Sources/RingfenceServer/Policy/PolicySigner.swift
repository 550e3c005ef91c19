import Crypto
import RingfenceAdapters
import RingfenceStore

/// Signs the policies hosts cache (`SignedPolicy`) with the key all replicas share.
public struct PolicySigner: Sendable {
    let key: Curve25519.Signing.PrivateKey

    /// A signer with this key.
    public init(key: Curve25519.Signing.PrivateKey) {
        self.key = key
    }

    /// The shared key from PostgreSQL; the first replica to start stores a new one.
    public static func load(from store: SigningKeyStore) async throws -> PolicySigner {
        let raw = try await store.key(storingIfAbsent: Array(Curve25519.Signing.PrivateKey().rawRepresentation))
        return PolicySigner(key: try Curve25519.Signing.PrivateKey(rawRepresentation: raw))
    }

    /// The private key, for what else the servers sign (event seals).
    public var signingKey: Curve25519.Signing.PrivateKey { key }

    /// The public key hosts verify with (32 bytes, raw).
    public var publicKey: [UInt8] { Array(key.publicKey.rawRepresentation) }

    /// A policy's binary form and its signature.
    public struct Signed: Sendable {
        public var policy: [UInt8]
        public var signature: [UInt8]
    }

    /// Signs a policy's binary form.
    public func sign(_ policy: AgentPolicy) throws -> Signed {
        let bytes = policy.binary
        return Signed(policy: bytes, signature: try SignedPolicy.sign(bytes, with: key))
    }
}
