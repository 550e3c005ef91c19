import Crypto
import Foundation
import Testing

@testable import RingfenceCore

@Suite("Merkle inclusion proofs (RFC 6962 / RFC 9162)")
struct MerkleProofTests {
    static func leaves(_ count: Int) -> [[UInt8]] {
        (0..<count).map { MerkleTree.leaf(Array("leaf \($0)".utf8)) }
    }

    /// PATH(m, D[n]) of RFC 6962 §2.1.1, written as the RFC defines it (recursively).
    static func referencePath(_ index: Int, _ leaves: ArraySlice<[UInt8]>) -> [[UInt8]] {
        guard leaves.count > 1 else { return [] }
        var split = 1
        while split * 2 < leaves.count { split *= 2 }
        let middle = leaves.startIndex + split
        if index < split {
            return referencePath(index, leaves[..<middle]) + [MerkleTree.root(leaves[middle...])]
        }
        return referencePath(index - split, leaves[middle...]) + [MerkleTree.root(leaves[..<middle])]
    }

    @Test("every leaf of trees of 1 to 40 leaves: the path is RFC 6962's and leads to the root")
    func everyLeaf() {
        for size in 1...40 {
            let leaves = Self.leaves(size)
            let root = MerkleTree.root(leaves)
            let proofs = MerkleTree.proofs(leaves)
            #expect(proofs.count == size)
            for (index, proof) in proofs.enumerated() {
                #expect(proof.path == Self.referencePath(index, leaves[...]).map(\.hex), "size \(size) leaf \(index)")
                #expect(proof.root(leaf: leaves[index]) == root, "size \(size) leaf \(index)")
            }
        }
    }

    @Test("another leaf, another index, another size or a changed path does not lead to the root")
    func wrongProofs() {
        let leaves = Self.leaves(11)
        let root = MerkleTree.root(leaves)
        let proof = MerkleTree.proofs(leaves)[6]
        #expect(proof.root(leaf: leaves[5]) != root)
        var moved = proof
        moved.index = 7
        #expect(moved.root(leaf: leaves[6]) != root)
        // A size whose tree shape differs is refused; sizes of the same shape for this leaf
        // (11 and 12 here) are told apart by the seal, which signs its count.
        var shrunk = proof
        shrunk.treeSize = 8
        #expect(shrunk.root(leaf: leaves[6]) == nil)
        var outside = proof
        outside.index = 11
        #expect(outside.root(leaf: leaves[6]) == nil)
        var altered = proof
        altered.path[0] = MerkleTree.leaf([1]).hex
        #expect(altered.root(leaf: leaves[6]) != root)
        var short = proof
        short.path.removeLast()
        #expect(short.root(leaf: leaves[6]) == nil)
        var notHex = proof
        notHex.path[1] = "zz"
        #expect(notHex.root(leaf: leaves[6]) == nil)
    }

    @Test("hex round trip; odd lengths and other characters are refused")
    func hex() {
        let bytes: [UInt8] = [0, 1, 0x7F, 0x80, 0xAB, 0xFF]
        #expect(bytes.hex == "00017f80abff")
        #expect([UInt8](hex: "00017F80abFF") == bytes)
        #expect([UInt8](hex: "abc") == nil)
        #expect([UInt8](hex: "0g") == nil)
        #expect([UInt8](hex: "") == [])
    }
}
