import Foundation
import Logging
import PostgresNIO
import RingfenceCore
import RingfenceStore
import ServiceLifecycle

/// The weekly reports of `ringfence serve`: when a week's reports fall due
/// (`ReportSchedule`), writes the report of every group the policy maps to a ring into
/// `<out>/<week>/`, records each in `reports` (so a restart does not redo or resend them),
/// and mails them when delivery is configured. A failed group is logged and retried at the
/// next check (hourly); the others go ahead.
public struct ReportScheduleService: Service {
    public struct Configuration: Sendable {
        public var out: String
        public var formats: [String]
        public var schedule: ReportSchedule
        public var staleAfter: TimeInterval
        public var delivery: ReportDelivery?

        public init(
            out: String, formats: [String] = ReportWriter.formats, schedule: ReportSchedule = ReportSchedule(),
            staleAfter: TimeInterval = 86_400, delivery: ReportDelivery? = nil
        ) {
            self.out = out
            self.formats = formats
            self.schedule = schedule
            self.staleAfter = staleAfter
            self.delivery = delivery
        }
    }

    let client: PostgresClient
    let configuration: Configuration
    let logger: Logger

    public init(
        client: PostgresClient, configuration: Configuration, logger: Logger = Logger(label: "ringfence.reports")
    ) {
        self.client = client
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let now = Date()
            let week = configuration.schedule.latestDue(now: now)
            do {
                try await runWeek(week, now: now)
            } catch {
                logger.warning("weekly reports failed; will retry", metadata: ["week": "\(week)", "error": "\(error)"])
            }
            let next = min(configuration.schedule.nextDue(after: Date()), Date().addingTimeInterval(3_600))
            let wait = max(1, next.timeIntervalSinceNow)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(wait)) }
        }
    }

    /// Writes, records and mails the reports of `week` not recorded yet; returns the groups done.
    @discardableResult
    public func runWeek(_ week: ISOWeek, now: Date = Date()) async throws -> [String] {
        guard let groups = try await ReportBuilder.mappedGroups(week: week, now: now, client: client) else { return [] }
        let records = ReportRecords(client: client)
        let recorded = try await records.recordedGroups(week: week)
        let pending = groups.filter { !recorded.contains($0) }
        guard !pending.isEmpty else { return [] }
        let builder = ReportBuilder(client: client, staleAfter: configuration.staleAfter)
        let folder = URL(fileURLWithPath: configuration.out).appendingPathComponent(week.description)
        var done: [String] = []
        for (group, result) in try await builder.build(groups: pending, week: week, now: now) {
            do {
                let report = try result.get()
                _ = try ReportWriter.write(report, formats: configuration.formats, into: folder)
                if configuration.formats.contains("json") {
                    try ReportArchive.update(out: URL(fileURLWithPath: configuration.out), group: group)
                }
                if let delivery = configuration.delivery {
                    let outcome = try await delivery.deliver(report, ownersFrom: ReportQueries(client: client))
                    logger.notice("\(outcome)")
                }
                try await records.record(report, formats: configuration.formats, location: folder.path)
                done.append(group)
            } catch {
                logger.warning(
                    "report failed; will retry",
                    metadata: ["week": "\(week)", "group": "\(group)", "error": "\(error)"])
            }
        }
        logger.notice(
            "weekly reports written",
            metadata: ["week": "\(week)", "groups": "\(done.count)", "folder": "\(folder.path)"])
        return done
    }
}
