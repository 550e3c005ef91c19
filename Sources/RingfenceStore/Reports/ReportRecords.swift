import Foundation
import Logging
import PostgresNIO
import RingfenceCore

/// The `reports` table: one row per group report written, with its formats, folder,
/// headline figures and whole document (JSON), so the schedule knows which weeks are done
/// and the console shows a group's weeks.
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
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let document = String(decoding: try encoder.encode(report), as: UTF8.self)
        try await client.query(
            """
            INSERT INTO reports (week, group_name, formats, location, summary, report)
            VALUES (\(report.week), \(report.group), \(formats), \(location), \(json)::jsonb, \(document)::jsonb)
            """, logger: logger)
    }

    /// The group's recorded reports, the latest of each week, newest week first (at most
    /// `limit` weeks). Reports recorded before their documents were kept (migration 025)
    /// and documents this version cannot read are left out.
    public func weeks(group: String, limit: Int) async throws -> [GroupWeekReport] {
        let rows = try await client.query(
            """
            SELECT DISTINCT ON (week) report::text FROM reports
            WHERE lower(group_name) = lower(\(group)) AND report IS NOT NULL
            ORDER BY week DESC, created_at DESC LIMIT \(limit)
            """, logger: logger)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var reports: [GroupWeekReport] = []
        for try await text in rows.decode(String.self) {
            if let report = try? decoder.decode(GroupWeekReport.self, from: Data(text.utf8)) { reports.append(report) }
        }
        return reports
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
