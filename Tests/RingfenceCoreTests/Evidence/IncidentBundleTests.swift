import Crypto
import Foundation
import Testing

@testable import RingfenceCore

/// A bundle checked from its bytes alone: intact, then each kind of damage.
@Suite("Incident bundles")
struct IncidentBundleTests {
    static let host = UUID(uuidString: "3F1C0000-0000-4000-8000-0000000000E9")!
    static let at = Date(timeIntervalSince1970: 1_795_000_000.123456)

    static func event(_ id: String) -> AuditEventRecord {
        AuditEventRecord(
            hostID: host, eventID: id, occurredAt: at, user: "alice", agentKind: "claude-code", surface: .riskyShell,
            pack: "shell-baseline", packVersion: 1, ruleID: "RS-1", verdict: .block, appliedLevel: .block,
            uncappedLevel: .block, policyETag: "e1", summary: "shell: rm", policyRevision: 3)
    }

    /// Five sealed events, of which the bundle holds the first three, plus one not sealed.
    static func bundle(key: Curve25519.Signing.PrivateKey) throws -> [String: [UInt8]] {
        let sealed = (1...5).map { event("e\($0)") }
        let seal = try EventSeal.seal(
            sealed, hostID: host, day: "2026-11-18", version: 1, receivedUntil: at.addingTimeInterval(86_400), key: key)
        let proofs = EventSeal.proofs(of: sealed)
        var entries = sealed.prefix(3).map {
            IncidentBundle.EventEntry($0, receivedAt: at, seal: seal, proof: proofs[$0.eventID])
        }
        entries.append(IncidentBundle.EventEntry(event("late"), receivedAt: at, seal: seal, proof: nil))
        return try files(
            [
                IncidentBundle.eventsName: try IncidentBundle.lines(entries),
                IncidentBundle.sealsName: Array(try IncidentBundle.encoder().encode([IncidentBundle.SealEntry(seal)])),
                "revisions/3.json": Array(#"{"revision":3}"#.utf8),
            ], key: key)
    }

    static func files(_ content: [String: [UInt8]], key: Curve25519.Signing.PrivateKey) throws -> [String: [UInt8]] {
        let scope = IncidentBundle.Scope(user: "alice", host: nil, from: at, to: at.addingTimeInterval(3_600))
        let (manifest, signature) = try IncidentBundle.sign(
            files: content, scope: scope, createdBy: "tess", createdAt: at, key: key)
        return content.merging([IncidentBundle.manifestName: manifest, IncidentBundle.signatureName: signature]) { $1 }
    }

    @Test("an intact bundle holds: three events proven, one not sealed noted")
    func intact() throws {
        let key = Curve25519.Signing.PrivateKey()
        let report = IncidentBundle.check(files: try Self.bundle(key: key), trustedKey: nil)
        #expect(report.problems == [])
        #expect(report.events == 4 && report.provenEvents == 3 && report.seals == 1)
        #expect(report.notes.count == 1 && report.notes[0].hasPrefix("1 event(s) not covered by a seal"))
        let pinned = IncidentBundle.check(
            files: try Self.bundle(key: key), trustedKey: Array(key.publicKey.rawRepresentation))
        #expect(pinned.holds)
    }

    @Test("a changed, missing or added file, and another key, are problems")
    func damagedFiles() throws {
        let key = Curve25519.Signing.PrivateKey()
        let files = try Self.bundle(key: key)
        var changed = files
        changed["revisions/3.json"] = Array(#"{"revision":4}"#.utf8)
        #expect(
            IncidentBundle.check(files: changed, trustedKey: nil).problems == [
                "revisions/3.json was changed (SHA-256 differs from the manifest)"
            ])
        var missing = files
        missing["revisions/3.json"] = nil
        #expect(
            IncidentBundle.check(files: missing, trustedKey: nil).problems == [
                "revisions/3.json is listed but missing"
            ])
        var added = files
        added["notes.txt"] = Array("hello".utf8)
        #expect(IncidentBundle.check(files: added, trustedKey: nil).problems == ["notes.txt is not in the manifest"])
        let other = Array(Curve25519.Signing.PrivateKey().publicKey.rawRepresentation)
        let untrusted = IncidentBundle.check(files: files, trustedKey: other)
        #expect(untrusted.problems.first?.hasPrefix("the manifest names key") == true)
        #expect(untrusted.problems.contains { $0.contains("is not signed by the trusted key") })
        var unsigned = files
        unsigned[IncidentBundle.signatureName] = Array(Array(repeating: UInt8(0), count: 64).hex.utf8)
        #expect(
            IncidentBundle.check(files: unsigned, trustedKey: nil).problems == [
                "the manifest's signature does not verify"
            ])
    }

    @Test("an event changed and the manifest signed again still fails its seal's proof")
    func changedEvent() throws {
        let key = Curve25519.Signing.PrivateKey()
        var content = try Self.bundle(key: key)
        content[IncidentBundle.manifestName] = nil
        content[IncidentBundle.signatureName] = nil
        let text = String(decoding: content[IncidentBundle.eventsName]!, as: UTF8.self)
        content[IncidentBundle.eventsName] = Array(
            text.replacingOccurrences(of: #""verdict":"block""#, with: #""verdict":"pass""#).utf8)
        let report = IncidentBundle.check(files: try Self.files(content, key: key), trustedKey: nil)
        #expect(report.provenEvents == 0)
        #expect(report.problems.count == 3)
        #expect(
            report.problems.first
                == "event e1 (host 3f1c0000-0000-4000-8000-0000000000e9, 2026-11-18) does not match its day's seal: its fields or another event of the day changed"
        )
    }
}
