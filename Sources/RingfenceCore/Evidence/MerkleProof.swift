import Crypto

/// An inclusion proof in an RFC 6962 Merkle tree (RFC 9162 §2.1.3): the leaf's index, the
/// tree's size and the audit path, enough to recompute the root from the leaf alone.
/// Pure. Built for all leaves at once from the tree's levels (``MerkleTree/proofs(_:)``),
/// checked by ``root(leaf:)``.
public struct MerkleProof: Sendable, Hashable, Codable {
    public var index: Int
    public var treeSize: Int
    /// Sibling hashes from the leaf up, hex.
    public var path: [String]

    public init(index: Int, treeSize: Int, path: [String]) {
        self.index = index
        self.treeSize = treeSize
        self.path = path
    }

    /// The root this proof leads to from `leaf` (a leaf hash), by RFC 9162 §2.1.3.2; nil when
    /// the proof is malformed (an index outside the tree, a path of the wrong length).
    public func root(leaf: [UInt8]) -> [UInt8]? {
        guard index >= 0, index < treeSize else { return nil }
        var fn = index
        var sn = treeSize - 1
        var result = leaf
        for hex in path {
            guard sn > 0, let sibling = [UInt8](hex: hex) else { return nil }
            if fn & 1 == 1 || fn == sn {
                result = MerkleTree.node(sibling, result)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                result = MerkleTree.node(result, sibling)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 ? result : nil
    }
}

extension MerkleTree {
    /// A node's hash: `SHA-256(0x01 ‖ left ‖ right)`.
    static func node(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: [0x01])
        hasher.update(data: left)
        hasher.update(data: right)
        return Array(hasher.finalize())
    }

    /// The inclusion proof of every leaf, in O(n log n). The RFC 6962 tree is built level
    /// by level — adjacent pairs hashed, an odd last node carried up as it is — which
    /// gives the same root as the recursive definition (split at the largest power of two).
    public static func proofs(_ leaves: [[UInt8]]) -> [MerkleProof] {
        var levels: [[[UInt8]]] = [leaves]
        while let last = levels.last, last.count > 1 {
            var next: [[UInt8]] = []
            next.reserveCapacity((last.count + 1) / 2)
            var index = 0
            while index < last.count {
                next.append(index + 1 < last.count ? node(last[index], last[index + 1]) : last[index])
                index += 2
            }
            levels.append(next)
        }
        return leaves.indices.map { leafIndex in
            var path: [String] = []
            var position = leafIndex
            for level in levels.dropLast() {
                let sibling = position ^ 1
                if sibling < level.count { path.append(level[sibling].hex) }
                position /= 2
            }
            return MerkleProof(index: leafIndex, treeSize: leaves.count, path: path)
        }
    }
}
