import Crypto
import Foundation
import Testing

@testable import RingfenceCore

/// The Merkle tree of RFC 6962 and the seal: any change, removal or insertion among the
/// sealed events, or another key, is found.
@Suite("Event seals")
struct EventSealTests {
    static let host = UUID(uuidString: "3F1C0000-0000-4000-8000-0000000000E9")!
    static let at = Date(timeIntervalSince1970: 1_795_000_000.123456)

    static func event(_ id: String, summary: String = "rm -rf build") -> AuditEventRecord {
        AuditEventRecord(
            hostID: host, eventID: id, occurredAt: at, user: "alice", agentKind: "claude-code", surface: .riskyShell,
            pack: "shell-baseline", packVersion: 1, ruleID: "RS-1", verdict: .blockCandidate, appliedLevel: .warn,
            uncappedLevel: .block, summary: summary)
    }

    @Test("the tree hashes of RFC 6962: the empty tree, a leaf, and splits at the largest power of two")
    func merkle() {
        func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
        // RFC 6962 §2.1: MTH({}) = SHA-256(); MTH({d0}) = SHA-256(0x00 || d0).
        #expect(hex(MerkleTree.root([])) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex(MerkleTree.leaf([])) == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
        let leaves = (0..<5).map { MerkleTree.leaf([UInt8($0)]) }
        func node(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] { Array(SHA256.hash(data: [0x01] + a + b)) }
        // Five leaves: (((0,1),(2,3)),4).
        let expected = node(node(node(leaves[0], leaves[1]), node(leaves[2], leaves[3])), leaves[4])
        #expect(MerkleTree.root(leaves) == expected)
        #expect(MerkleTree.root([leaves[0]]) == leaves[0])
    }

    @Test("the policy revision is sealed when the agent sent one; events without one seal as before it existed")
    func revisionInTheLeaf() {
        var event = Self.event("e1")
        let without = EventSeal.leafBytes(event)
        event.policyRevision = 7
        let with = EventSeal.leafBytes(event)
        #expect(with != without)
        #expect(Array(with.prefix(without.count)) == without, "appended after the fields sealed before")
        event.policyRevision = 8
        #expect(EventSeal.leafBytes(event) != with)
    }

    @Test("a seal holds for its events in any order, and finds a change, a removal, an insertion and another key")
    func findings() throws {
        let key = Curve25519.Signing.PrivateKey()
        let trusted = Array(key.publicKey.rawRepresentation)
        let events = (1...5).map { Self.event("e\($0)") }
        let seal = try EventSeal.seal(
            events, hostID: Self.host, day: "2026-11-18", version: 1, receivedUntil: Self.at, key: key)
        #expect(seal.count == 5)
        #expect(seal.check(events.reversed(), trustedKey: trusted) == .intact)
        var changed = events
        changed[2].summary = "ls"
        #expect(seal.check(changed, trustedKey: trusted) == .contentChanged)
        var moved = events
        moved[0].occurredAt = Self.at.addingTimeInterval(0.000_001)
        #expect(seal.check(moved, trustedKey: trusted) == .contentChanged)
        #expect(seal.check(Array(events.dropLast()), trustedKey: trusted) == .countChanged(sealed: 5, now: 4))
        #expect(seal.check(events + [Self.event("e6")], trustedKey: trusted) == .countChanged(sealed: 5, now: 6))
        var swapped = events
        swapped[4] = Self.event("e9")
        #expect(seal.check(swapped, trustedKey: trusted) == .contentChanged)
        let other = Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation)
        #expect(seal.check(events, trustedKey: other) == .badSignature)
        var forged = seal
        forged.count = 4
        #expect(forged.check(Array(events.dropLast()), trustedKey: trusted) == .badSignature)
        var reRooted = seal
        reRooted.root = EventSeal.root(of: changed)
        #expect(reRooted.check(changed, trustedKey: trusted) == .badSignature)
    }
}
