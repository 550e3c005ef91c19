import Crypto

/// The Merkle tree hash of RFC 6962 (Certificate Transparency, §2.1) over SHA-256: a leaf
/// is `SHA-256(0x00 ‖ bytes)`, a node `SHA-256(0x01 ‖ left ‖ right)`, and a list of n
/// leaves splits at the largest power of two below n. Pure. The root of no leaves is the
/// hash of nothing.
public enum MerkleTree {
    /// The leaf hash of some bytes.
    public static func leaf(_ bytes: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: [0x00])
        hasher.update(data: bytes)
        return Array(hasher.finalize())
    }

    /// The root over leaf hashes, in order.
    public static func root(_ leaves: [[UInt8]]) -> [UInt8] {
        if leaves.isEmpty { return Array(SHA256.hash(data: [UInt8]())) }
        return root(leaves[...])
    }

    static func root(_ leaves: ArraySlice<[UInt8]>) -> [UInt8] {
        if leaves.count == 1 { return leaves[leaves.startIndex] }
        var split = 1
        while split * 2 < leaves.count { split *= 2 }
        let middle = leaves.startIndex + split
        return node(root(leaves[..<middle]), root(leaves[middle...]))
    }
}
