import Crypto
import Foundation

/// The seal of one host's audit events of one UTC day (docs/reliability.md, "Tamper
/// evidence"): the number of events and the Merkle root of their leaf hashes (ordered by
/// event id), signed with the servers' Ed25519 key. Any event changed, removed or inserted
/// among those the seal covers (received up to ``receivedUntil``) changes the root. Pure.
public struct EventSeal: Sendable, Hashable {
    public var hostID: UUID
    /// The UTC day, `yyyy-MM-dd`.
    public var day: String
    /// 1 for the first seal of the day, more when late events came and it was sealed again.
    public var version: Int
    /// The seal covers the day's events received up to this moment.
    public var receivedUntil: Date
    public var count: Int
    public var root: [UInt8]
    public var signature: [UInt8]
    /// The key that signed it (32 bytes, raw).
    public var publicKey: [UInt8]

    /// Creates a seal as stored.
    public init(
        hostID: UUID, day: String, version: Int, receivedUntil: Date, count: Int, root: [UInt8], signature: [UInt8],
        publicKey: [UInt8]
    ) {
        self.hostID = hostID
        self.day = day
        self.version = version
        self.receivedUntil = receivedUntil
        self.count = count
        self.root = root
        self.signature = signature
        self.publicKey = publicKey
    }

    /// Seals `events` (one host, one day), signing with `key`.
    public static func seal(
        _ events: [AuditEventRecord], hostID: UUID, day: String, version: Int, receivedUntil: Date,
        key: Curve25519.Signing.PrivateKey
    ) throws -> EventSeal {
        let root = root(of: events)
        let message = message(hostID: hostID, day: day, version: version, count: events.count, root: root)
        return EventSeal(
            hostID: hostID, day: day, version: version, receivedUntil: receivedUntil, count: events.count, root: root,
            signature: Array(try key.signature(for: message)), publicKey: Array(key.publicKey.rawRepresentation))
    }

    /// The Merkle root of events: leaves in event id order.
    public static func root(of events: [AuditEventRecord]) -> [UInt8] {
        MerkleTree.root(events.sorted { $0.eventID < $1.eventID }.map { MerkleTree.leaf(leafBytes($0)) })
    }

    /// What is signed: a tag, the host, the day, the version, the count and the root.
    static func message(hostID: UUID, day: String, version: Int, count: Int, root: [UInt8]) -> [UInt8] {
        var bytes = CanonicalBytes(tag: "ringfence-event-seal/1")
        bytes.append(hostID.uuidString.lowercased())
        bytes.append(day)
        bytes.append(version)
        bytes.append(count)
        return bytes.bytes + root
    }

    /// An event's fields as the agent reported them, in a fixed order; the time in whole
    /// microseconds (PostgreSQL's precision). The policy revision is appended when the
    /// agent sent one, so events stored before agents sent it seal as they always did.
    static func leafBytes(_ event: AuditEventRecord) -> [UInt8] {
        var bytes = CanonicalBytes(tag: "ringfence-audit-event/1")
        bytes.append(event.hostID.uuidString.lowercased())
        bytes.append(event.eventID)
        bytes.append(Int((event.occurredAt.timeIntervalSince1970 * 1_000_000).rounded()))
        for text in [
            event.user, event.agentKind, event.agentVersion, event.surface.rawValue, event.pack,
            "\(event.packVersion)", event.ruleID, event.repo, event.verdict.rawValue, event.appliedLevel.rawValue,
            event.uncappedLevel.rawValue, event.policyETag, event.sessionID, event.summary,
        ] {
            bytes.append(text)
        }
        if event.policyRevision != 0 { bytes.append(Int(event.policyRevision)) }
        return bytes.bytes
    }

    /// What checking a seal against the events found.
    public enum Finding: Sendable, Hashable {
        /// The events are those sealed.
        case intact
        /// The signature does not verify with the seal's key, or the key is not the servers'.
        case badSignature
        /// The number of events differs: some were removed or inserted.
        case countChanged(sealed: Int, now: Int)
        /// As many events, but not the same: some were changed (or one swapped for another).
        case contentChanged
    }

    /// Checks the seal against the events it covers now, and its signature against the
    /// servers' public key.
    public func check(_ events: [AuditEventRecord], trustedKey: [UInt8]) -> Finding {
        guard signatureHolds(trustedKey: trustedKey) else { return .badSignature }
        if events.count != count { return .countChanged(sealed: count, now: events.count) }
        return Self.root(of: events) == root ? .intact : .contentChanged
    }

    /// Whether the seal is signed by its own key, and that key is `trustedKey` when one is given.
    public func signatureHolds(trustedKey: [UInt8]?) -> Bool {
        let message = Self.message(hostID: hostID, day: day, version: version, count: count, root: root)
        guard trustedKey == nil || publicKey == trustedKey,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey)
        else { return false }
        return key.isValidSignature(signature, for: message)
    }

    /// The inclusion proof of each of `events` (one host-day, those a seal covers) by event id.
    public static func proofs(of events: [AuditEventRecord]) -> [String: MerkleProof] {
        let sorted = events.sorted { $0.eventID < $1.eventID }
        let proofs = MerkleTree.proofs(sorted.map { MerkleTree.leaf(leafBytes($0)) })
        return Dictionary(zip(sorted.map(\.eventID), proofs)) { first, _ in first }
    }

    /// Whether `proof` shows `event`, as it is, among the events this seal covers.
    public func includes(_ event: AuditEventRecord, proof: MerkleProof) -> Bool {
        proof.treeSize == count && proof.root(leaf: MerkleTree.leaf(Self.leafBytes(event))) == root
    }
}
