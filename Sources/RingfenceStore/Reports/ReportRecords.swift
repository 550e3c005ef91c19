import Foundation
import Logging
import PostgresNIO
import RingfenceCore

/// The `reports` table: one row per group report written, with its formats, folder and
/// headline figures (JSON), so the schedule knows which weeks are done.
public struct ReportRecords: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "ringfence.reports")) {
        self.client = client
        self.logger = logger
    }

    public func record(_ report: GroupWeekReport, formats: [String], location: String) async throws {
        let summary: [String: Int] = [
            "members": report.coverage.members, "missingMembers": report.coverage.missingMembers,
            "hostsConnected": report.coverage.hostsConnected, "events": report.volume.total,
            "newlyBlocked": report.nextRing?.newlyBlocked ?? 0, "newlyWarned": report.nextRing?.newlyWarned ?? 0,
        ]
        let json = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
        try await client.query(
            """
            INSERT INTO reports (week, group_name, formats, location, summary)
            VALUES (\(report.week), \(report.group), \(formats), \(location), \(json)::jsonb)
            """, logger: logger)
    }

    /// Groups whose report of `week` was already recorded.
    public func recordedGroups(week: ISOWeek) async throws -> Set<String> {
        let rows = try await client.query(
            "SELECT DISTINCT group_name FROM reports WHERE week = \(week.description)", logger: logger)
        let groups = Set(try await rows.decode(String.self).collect())
        return groups
    }

    /// The coverage headline of `group`'s latest recorded report of `week`.
    public func coverageHeadline(week: ISOWeek, group: String) async throws -> GroupWeekReport.CoverageHeadline? {
        let rows = try await client.query(
            """
            SELECT (summary->>'members')::int, (summary->>'hostsConnected')::int, (summary->>'missingMembers')::int
            FROM reports WHERE week = \(week.description) AND group_name = \(group) ORDER BY created_at DESC LIMIT 1
            """, logger: logger)
        for try await (members, connected, missing) in rows.decode((Int?, Int?, Int?).self) {
            guard let members, let connected, let missing else { return nil }
            return GroupWeekReport.CoverageHeadline(
                members: members, hostsConnected: connected, missingMembers: missing)
        }
        return nil
    }
}
