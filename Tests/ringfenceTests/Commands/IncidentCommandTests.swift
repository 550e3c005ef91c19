import Foundation
import PostgresNIO
import RingfenceCore
import RingfenceStore
import RingfenceTestSupport
import Testing

/// `ringfence incident export` and `incident verify` as processes: a bundle of sealed
/// events verified in another folder by a process with no database, then each kind of
/// tampering — in PostgreSQL behind the server's back, or in the bundle's files — reported.
@Suite(
    "incident export and verify",
    .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct IncidentCommandTests {
    @Test(
        "a bundle verifies offline; an UPDATE, DELETE or INSERT behind the server's back, or an edited file, does not")
    func exportAndVerify() async throws {
        try await TestServers.withMigratedDatabase { client, database in
            let ringfence = try RingfenceExecutable(environment: [
                "RINGFENCE_DATABASE_URL": RingfenceExecutable.databaseURL(database)
            ])
            let offline = try RingfenceExecutable(environment: [:])
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "rf-incident-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: folder) }
            let host = UUID()
            let yesterday = Date().addingTimeInterval(-86_400)
            _ = try await EventStore(client: client).store(
                (1...6).map {
                    AuditEventRecord(
                        hostID: host, eventID: "e\($0)", occurredAt: yesterday.addingTimeInterval(Double($0)),
                        user: "alice", agentKind: "claude-code", surface: .riskyShell, pack: "shell-baseline",
                        packVersion: 1, ruleID: "RS-1", verdict: .block, appliedLevel: .block, uncappedLevel: .block,
                        summary: "shell: rm")
                })
            #expect(try ringfence.run(["events", "seal"]) == "sealed 1 host-day(s)\n")
            let from = EventReplayTests.iso8601(yesterday.addingTimeInterval(-3_600))
            var bundles = 0
            /// Exports the host's bundle into a new folder; returns it and the export's result.
            func export() throws -> (URL, (status: Int32, stdout: String, stderr: String)) {
                bundles += 1
                let out = folder.appendingPathComponent("bundle-\(bundles)")
                let result = try ringfence.run(
                    ["incident", "export", "--host", host.uuidString, "--from", from, "--out", out.path], input: Data())
                return (out, result)
            }
            /// Verifies a copy of the bundle in another folder, with no database at hand.
            func verifyCopy(_ bundle: URL) throws -> (status: Int32, stdout: String, stderr: String) {
                bundles += 1
                let copy = folder.appendingPathComponent("copy-\(bundles)-of-\(bundle.lastPathComponent)")
                try FileManager.default.copyItem(at: bundle, to: copy)
                return try offline.run(["incident", "verify", copy.path], input: Data())
            }

            let (intact, exported) = try export()
            #expect(exported.status == 0, "\(exported)")
            #expect(exported.stdout.contains("6 events (6 with a seal proof), 1 seals"), "\(exported.stdout)")
            let verified = try verifyCopy(intact)
            #expect(verified.status == 0, "\(verified)")
            #expect(verified.stdout.contains("6 events, 6 proven by 1 seals"), "\(verified.stdout)")
            #expect(verified.stdout.hasSuffix("the bundle holds\n"))

            // An edited file of the bundle.
            let events = intact.appendingPathComponent("events.jsonl")
            let text = try String(contentsOf: events, encoding: .utf8)
            try text.replacingOccurrences(
                of: #""verdict":"block""#, with: #""verdict":"pass""#, options: [], range: nil
            )
            .write(to: events, atomically: true, encoding: .utf8)
            let edited = try verifyCopy(intact)
            #expect(edited.status == 1)
            #expect(edited.stdout.contains("PROBLEM: events.jsonl was changed (SHA-256 differs from the manifest)"))

            // Behind the server's back: each change makes the export and the verification fail.
            try await client.query("UPDATE audit_events SET verdict = 'pass' WHERE event_id = 'e2'")
            let (updated, updateExport) = try export()
            #expect(updateExport.status == 1, "the export itself reports it: \(updateExport.stdout)")
            let updateCheck = try verifyCopy(updated)
            #expect(updateCheck.status == 1)
            #expect(
                updateCheck.stdout.contains(
                    "PROBLEM: event e2 (host \(host.uuidString.lowercased()), \(Self.day(yesterday))) does not match its day's seal: its fields or another event of the day changed"
                ), "\(updateCheck.stdout)")
            try await client.query("UPDATE audit_events SET verdict = 'block' WHERE event_id = 'e2'")
            #expect(try verifyCopy(try export().0).status == 0, "put back, it holds again")

            try await client.query("DELETE FROM audit_events WHERE event_id = 'e5'")
            let deleteCheck = try verifyCopy(try export().0)
            #expect(deleteCheck.status == 1)
            #expect(
                deleteCheck.stdout.contains("the day had 6 events when sealed, 5 at export"), "\(deleteCheck.stdout)")

            // An insertion dated before the seal's moment counts among the sealed events.
            try await client.query(
                """
                INSERT INTO audit_events (occurred_at, host_id, event_id, received_at, username, agent_kind, surface, verdict,
                                          applied_level, uncapped_level)
                SELECT occurred_at, host_id, 'e5', received_at, username, agent_kind, surface, verdict, applied_level,
                       uncapped_level
                FROM audit_events WHERE event_id = 'e1'
                """)
            let insertCheck = try verifyCopy(try export().0)
            #expect(insertCheck.status == 1)
            #expect(insertCheck.stdout.contains("does not match its day's seal"), "\(insertCheck.stdout)")
            // One received now is outside the seal: noted as such, not proven.
            try await client.query("DELETE FROM audit_events WHERE event_id = 'e5'")
            try await client.query(
                """
                INSERT INTO audit_events (occurred_at, host_id, event_id, username, agent_kind, surface, verdict,
                                          applied_level, uncapped_level)
                SELECT occurred_at, host_id, 'e7', username, agent_kind, surface, verdict, applied_level, uncapped_level
                FROM audit_events WHERE event_id = 'e1'
                """)
            let late = try verifyCopy(try export().0)
            #expect(late.stdout.contains("note: 1 event(s) not covered by a seal"), "\(late.stdout)")
            #expect(late.stdout.contains("PROBLEM: "), "e5 is still missing from its sealed day")

            let usage = try ringfence.run(
                ["incident", "export", "--from", from, "--out", folder.appendingPathComponent("x").path], input: Data())
            #expect(usage.status == 64 && usage.stderr.contains("give --user, --host, or both"))
        }
    }

    static func day(_ date: Date) -> String { date.formatted(.iso8601.year().month().day()) }
}
