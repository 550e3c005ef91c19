import Crypto
import Foundation

/// An incident bundle (`ringfence incident export`, docs/reliability.md "Incident
/// bundles"): a folder of JSON files about one user or host over a window, a manifest with
/// the SHA-256 of every file signed with the servers' Ed25519 key, and for each event the
/// Merkle inclusion proof into its day's seal. Pure: the file formats, building the
/// manifest, and ``check(files:trustedKey:)``, which verifies a bundle from its bytes alone.
public enum IncidentBundle {
    public static let format = "ringfence-incident/1"
    public static let manifestName = "manifest.json"
    public static let signatureName = "manifest.sig"
    public static let eventsName = "events.jsonl"
    public static let sealsName = "seals.json"

    /// What the bundle is about.
    public struct Scope: Sendable, Hashable, Codable {
        public var user: String?
        public var host: UUID?
        public var from: Date
        public var to: Date

        public init(user: String?, host: UUID?, from: Date, to: Date) {
            self.user = user
            self.host = host
            self.from = from
            self.to = to
        }
    }

    /// One file of the bundle, as listed in the manifest.
    public struct File: Sendable, Hashable, Codable {
        public var name: String
        public var sha256: String
        public var bytes: Int
    }

    /// The manifest: what the bundle holds and the key that signed it (hex).
    public struct Manifest: Sendable, Hashable, Codable {
        public var format: String
        public var createdAt: Date
        public var createdBy: String
        public var scope: Scope
        public var publicKey: String
        public var files: [File]
    }

    /// A seal as exported (bytes in hex).
    public struct SealEntry: Sendable, Hashable, Codable {
        public var host: UUID
        public var day: String
        public var version: Int
        public var receivedUntil: Date
        public var count: Int
        public var root: String
        public var signature: String
        public var publicKey: String

        public init(_ seal: EventSeal) {
            host = seal.hostID
            day = seal.day
            version = seal.version
            receivedUntil = seal.receivedUntil
            count = seal.count
            root = seal.root.hex
            signature = seal.signature.hex
            publicKey = seal.publicKey.hex
        }

        /// The seal, or nil when a hex field does not decode.
        public var seal: EventSeal? {
            guard let root = [UInt8](hex: root), let signature = [UInt8](hex: signature),
                let key = [UInt8](hex: publicKey)
            else { return nil }
            return EventSeal(
                hostID: host, day: day, version: version, receivedUntil: receivedUntil, count: count, root: root,
                signature: signature, publicKey: key)
        }
    }

    /// An event as exported: every field the agent reported (the time also in whole
    /// microseconds, as sealed), when it was received, and its proof when its day is sealed.
    public struct EventEntry: Sendable, Hashable, Codable {
        public var eventID: String
        public var host: UUID
        public var occurredAt: Date
        public var occurredAtMicroseconds: Int64
        public var receivedAt: Date
        public var user: String
        public var agentKind: String
        public var agentVersion: String
        public var surface: String
        public var pack: String
        public var packVersion: Int32
        public var ruleID: String
        public var repo: String
        public var verdict: Verdict
        public var appliedLevel: Level
        public var uncappedLevel: Level
        public var policyETag: String
        public var policyRevision: Int64
        public var sessionID: String
        public var summary: String
        /// The seal (day, version) and the inclusion proof; nil when no seal covers the event.
        public var sealDay: String?
        public var sealVersion: Int?
        public var proof: MerkleProof?

        public init(_ event: AuditEventRecord, receivedAt: Date, seal: EventSeal?, proof: MerkleProof?) {
            eventID = event.eventID
            host = event.hostID
            occurredAt = event.occurredAt
            occurredAtMicroseconds = Int64((event.occurredAt.timeIntervalSince1970 * 1_000_000).rounded())
            self.receivedAt = receivedAt
            user = event.user
            agentKind = event.agentKind
            agentVersion = event.agentVersion
            surface = event.surface.rawValue
            pack = event.pack
            packVersion = event.packVersion
            ruleID = event.ruleID
            repo = event.repo
            verdict = event.verdict
            appliedLevel = event.appliedLevel
            uncappedLevel = event.uncappedLevel
            policyETag = event.policyETag
            policyRevision = event.policyRevision
            sessionID = event.sessionID
            summary = event.summary
            sealDay = proof == nil ? nil : seal?.day
            sealVersion = proof == nil ? nil : seal?.version
            self.proof = proof
        }

        /// The event as sealed.
        public var record: AuditEventRecord {
            AuditEventRecord(
                hostID: host, eventID: eventID,
                occurredAt: Date(timeIntervalSince1970: Double(occurredAtMicroseconds) / 1_000_000), user: user,
                agentKind: agentKind, agentVersion: agentVersion, surface: Surface(rawValue: surface) ?? .unrecognized,
                pack: pack, packVersion: packVersion, ruleID: ruleID, repo: repo, verdict: verdict,
                appliedLevel: appliedLevel, uncappedLevel: uncappedLevel, policyETag: policyETag, sessionID: sessionID,
                summary: summary, policyRevision: policyRevision)
        }
    }

    /// The encoder of every bundle file: sorted keys, ISO 8601 times with milliseconds.
    public static func encoder(pretty: Bool = true) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true)))
        }
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard
                let date = try? Date(
                    text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true))
            else { throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: text)) }
            return date
        }
        return decoder
    }

    /// JSON Lines: one compact object a line.
    public static func lines<T: Encodable>(_ values: [T]) throws -> [UInt8] {
        let encoder = encoder(pretty: false)
        var bytes: [UInt8] = []
        for value in values {
            bytes += try encoder.encode(value)
            bytes.append(0x0A)
        }
        return bytes
    }

    /// The manifest of `files` (name → bytes) and its signature by `key`.
    public static func sign(
        files: [String: [UInt8]], scope: Scope, createdBy: String, createdAt: Date,
        key: Curve25519.Signing.PrivateKey
    ) throws -> (manifest: [UInt8], signature: [UInt8]) {
        let manifest = Manifest(
            format: format, createdAt: createdAt, createdBy: createdBy, scope: scope,
            publicKey: Array(key.publicKey.rawRepresentation).hex,
            files: files.keys.sorted().map { name in
                File(name: name, sha256: Array(SHA256.hash(data: files[name]!)).hex, bytes: files[name]!.count)
            })
        let bytes = Array(try encoder().encode(manifest))
        return (bytes, Array(Array(try key.signature(for: bytes)).hex.utf8))
    }

    /// What checking a bundle found.
    public struct Report: Sendable, Hashable {
        /// Tampering or damage: each one makes the bundle fail.
        public var problems: [String] = []
        /// Facts worth knowing that are not failures (events no seal covers yet).
        public var notes: [String] = []
        public var events = 0
        public var provenEvents = 0
        public var seals = 0
        public var holds: Bool { problems.isEmpty }
    }

    /// Verifies a bundle from its files alone: the manifest's signature (by `trustedKey`
    /// when given, else by the key it names), every file's size and SHA-256, no file
    /// missing or added, every seal's signature, and every event's proof into its seal.
    public static func check(files: [String: [UInt8]], trustedKey: [UInt8]?) -> Report {
        var report = Report()
        guard let manifestBytes = files[manifestName],
            let manifest = try? decoder().decode(Manifest.self, from: Data(manifestBytes))
        else {
            report.problems.append("\(manifestName) is missing or not a manifest")
            return report
        }
        guard manifest.format == format else {
            report.problems.append("unknown bundle format '\(manifest.format)'")
            return report
        }
        let signature = files[signatureName].flatMap { [UInt8](hex: String(decoding: $0, as: UTF8.self)) }
        let key = [UInt8](hex: manifest.publicKey)
        if let trustedKey, key != trustedKey {
            report.problems.append("the manifest names key \(manifest.publicKey), not the trusted key")
        }
        let signed = signature.flatMap { signature in
            key.flatMap { try? Curve25519.Signing.PublicKey(rawRepresentation: $0) }?.isValidSignature(
                signature, for: manifestBytes)
        }
        if signed != true { report.problems.append("the manifest's signature does not verify") }
        let listed = Set(manifest.files.map(\.name))
        for file in manifest.files {
            guard let bytes = files[file.name] else {
                report.problems.append("\(file.name) is listed but missing")
                continue
            }
            if bytes.count != file.bytes || Array(SHA256.hash(data: bytes)).hex != file.sha256 {
                report.problems.append("\(file.name) was changed (SHA-256 differs from the manifest)")
            }
        }
        for name in files.keys.sorted() where !listed.contains(name) && name != manifestName && name != signatureName {
            report.problems.append("\(name) is not in the manifest")
        }
        checkEvents(files: files, trustedKey: trustedKey ?? key, into: &report)
        return report
    }

    static func checkEvents(files: [String: [UInt8]], trustedKey: [UInt8]?, into report: inout Report) {
        var seals: [String: EventSeal] = [:]
        if let bytes = files[sealsName] {
            guard let entries = try? decoder().decode([SealEntry].self, from: Data(bytes)) else {
                report.problems.append("\(sealsName) does not read")
                return
            }
            for entry in entries {
                guard let seal = entry.seal, seal.signatureHolds(trustedKey: trustedKey) else {
                    report.problems.append(
                        "the seal of host \(entry.host.uuidString.lowercased()) on \(entry.day) v\(entry.version) is not signed by the trusted key"
                    )
                    continue
                }
                seals["\(seal.hostID)|\(seal.day)|\(seal.version)"] = seal
            }
        }
        report.seals = seals.count
        let decoder = decoder()
        var unsealed = 0
        for (number, line) in (files[eventsName] ?? []).split(separator: 0x0A).enumerated() {
            report.events += 1
            guard let entry = try? decoder.decode(EventEntry.self, from: Data(line)) else {
                report.problems.append("\(eventsName):\(number + 1) does not read")
                continue
            }
            guard let proof = entry.proof, let day = entry.sealDay, let version = entry.sealVersion else {
                unsealed += 1
                continue
            }
            guard let seal = seals["\(entry.host)|\(day)|\(version)"] else {
                report.problems.append("event \(entry.eventID): its seal (\(day) v\(version)) is not in the bundle")
                continue
            }
            if seal.includes(entry.record, proof: proof) {
                report.provenEvents += 1
            } else {
                report.problems.append(
                    "event \(entry.eventID) (host \(entry.host.uuidString.lowercased()), \(day)) does not match its day's seal: \(proof.treeSize == seal.count ? "its fields or another event of the day changed" : "the day had \(seal.count) events when sealed, \(proof.treeSize) at export")"
                )
            }
        }
        if unsealed > 0 {
            report.notes.append(
                "\(unsealed) event(s) not covered by a seal (today's, received after their day was sealed — late or inserted —, or of a day not sealed yet)"
            )
        }
    }
}
