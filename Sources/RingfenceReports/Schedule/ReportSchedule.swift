import Foundation
import RingfenceCore

/// When `ringfence serve` writes the weekly reports: each ISO week's reports are due on a
/// given weekday and hour (UTC) of the following week — by default Monday 06:00. Pure.
public struct ReportSchedule: Sendable, Equatable {
    /// ISO weekday of the week after: 1 = Monday … 7 = Sunday.
    public var weekday: Int
    /// Hour of that day, UTC, 0–23.
    public var hour: Int

    public init(weekday: Int = 1, hour: Int = 6) {
        precondition((1...7).contains(weekday) && (0...23).contains(hour), "weekday 1-7, hour 0-23")
        self.weekday = weekday
        self.hour = hour
    }

    /// When the reports of `week` are due.
    public func due(_ week: ISOWeek) -> Date {
        week.end.addingTimeInterval(Double(weekday - 1) * 86_400 + Double(hour) * 3_600)
    }

    /// The latest week whose reports are due at `now`.
    public func latestDue(now: Date) -> ISOWeek {
        var week = ISOWeek(containing: now).previous
        while due(week) > now { week = week.previous }
        return week
    }

    /// When the next week's reports fall due after `now`.
    public func nextDue(after now: Date) -> Date {
        due(ISOWeek(containing: latestDue(now: now).end))
    }

    /// Parses `monday`…`sunday` (or `mon`…`sun`).
    public static func weekday(named name: String) -> Int? {
        let names = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        let lower = name.lowercased()
        return names.firstIndex { $0 == lower || $0.prefix(3) == lower }.map { $0 + 1 }
    }
}
