import Crypto

/// A policy as the hook keeps it on disk: the server's Ed25519 signature over the
/// policy's binary form (`AgentPolicy.binary`, "RFP3"), followed by that form.
///
/// Layout: `"RFS1"`, 64 bytes of signature, the policy bytes exactly as the server signed
/// them. The hook checks the signature with the server's public key before it reads a
/// byte of the policy: a cache edited by hand — looser rules, another repository's
/// trust — counts as no cache, and the configured fail mode applies.
public enum SignedPolicy {
    static let magic: [UInt8] = Array("RFS1".utf8)
    static let signatureLength = 64

    /// Why a file is not a policy signed by the expected key.
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    /// Signs a policy's binary form; returns the 64-byte signature.
    public static func sign(_ policy: [UInt8], with key: Curve25519.Signing.PrivateKey) throws -> [UInt8] {
        Array(try key.signature(for: policy))
    }

    /// The file the hook reads: magic, signature, policy.
    public static func seal(policy: [UInt8], signature: [UInt8]) -> [UInt8] {
        magic + signature + policy
    }

    /// The policy bytes of a sealed file, once its signature is verified with `publicKey`
    /// (32 bytes, raw).
    public static func open(_ file: [UInt8], publicKey: [UInt8]) throws(Refusal) -> [UInt8] {
        guard file.count > magic.count + signatureLength, file.starts(with: magic) else {
            throw Refusal(description: "not a signed policy file")
        }
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else {
            throw Refusal(description: "the policy signing key is not a 32-byte Ed25519 public key")
        }
        let signature = file[magic.count..<(magic.count + signatureLength)]
        let policy = Array(file[(magic.count + signatureLength)...])
        guard key.isValidSignature(signature, for: policy) else {
            throw Refusal(
                description: "its signature does not verify with the server's key (edited or not from this server)")
        }
        return policy
    }
}
