import Foundation
import PostgresNIO
import RingfenceCore
import RingfenceFiles
import RingfenceStore
import RingfenceTestSupport
import Testing

@testable import RingfenceReports

@Suite(
    "Weekly report schedule against PostgreSQL",
    .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct ReportScheduleServiceTests {
    @Test("a due week writes every mapped group's report once, records it, and a second run does nothing")
    func runWeek() async throws {
        try await TestServers.withMigratedDatabase { client, _ in
            try await ReportBuilderTests.seedDirectory(client)
            try await client.query(
                "INSERT INTO directory_groups (id, dn, name) VALUES (2, 'cn=ai-pilot,dc=example,dc=com', 'ai-pilot')")
            let files = try PolicyFiles.load(directory: TestServers.repositoryRoot.appending(path: "examples/policy"))
            _ = try await PolicyStore(client: client).publish(files.bundle, actor: "test", expectedCurrent: nil)
            let now = Date()
            let week = ISOWeek(containing: now)
            let out = FileManager.default.temporaryDirectory.appendingPathComponent("rf-reports-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: out) }
            let service = ReportScheduleService(
                client: client, configuration: .init(out: out.path, formats: ["json", "md"]))

            let done = try await service.runWeek(week, now: now)
            // The example policy maps engineering, contractors, ai-pilot and security; only two are in this directory.
            #expect(done == ["ai-pilot", "engineering"])
            let folder = out.appendingPathComponent(week.description)
            let written = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            #expect(written == ["ai-pilot.json", "ai-pilot.md", "engineering.json", "engineering.md"])
            let archive = try FileManager.default.contentsOfDirectory(
                atPath: out.appendingPathComponent("archive").path
            ).sorted()
            #expect(archive == ["ai-pilot.html", "ai-pilot.md", "engineering.html", "engineering.md"])
            let page = try String(
                contentsOf: out.appendingPathComponent("archive/engineering.md"), encoding: .utf8)
            #expect(page.contains("| [\(week)](../\(week)/engineering.md) |"), "\(page)")
            #expect(try await ReportRecords(client: client).recordedGroups(week: week) == ["ai-pilot", "engineering"])
            #expect(try await service.runWeek(week, now: now).isEmpty, "a week already recorded is not redone")
        }
    }
}
