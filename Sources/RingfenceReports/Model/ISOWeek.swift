import Foundation

/// An ISO 8601 week such as `2026-W47`: Monday 00:00 UTC to the next Monday.
///
/// Reports and event partitions are keyed by ISO week; week 1 is the week with the
/// year's first Thursday.
public struct ISOWeek: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// ISO week-numbering year (may differ from the calendar year around New Year).
    public let year: Int
    /// Week number, 1...53.
    public let week: Int

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// Parses `YYYY-Www`; nil when malformed or when the year has no such week.
    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, let year = Int(parts[0]),
            parts[1].count == 3, parts[1].first == "W", let week = Int(parts[1].dropFirst()),
            week >= 1, week <= 53
        else { return nil }
        self.year = year
        self.week = week
        guard ISOWeek(containing: start).self == self else { return nil }
    }

    /// The week that holds a moment.
    public init(containing date: Date) {
        let components = Self.calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
        year = components.yearForWeekOfYear!
        week = components.weekOfYear!
    }

    /// Monday 00:00 UTC.
    public var start: Date {
        Self.calendar.date(from: DateComponents(weekday: 2, weekOfYear: week, yearForWeekOfYear: year))!
    }

    /// The next Monday 00:00 UTC (exclusive end).
    public var end: Date { start.addingTimeInterval(7 * 86_400) }

    /// The week before.
    public var previous: ISOWeek { ISOWeek(containing: start.addingTimeInterval(-86_400)) }

    public var description: String {
        "\(year)-W" + (week < 10 ? "0" : "") + String(week)
    }

    public static func < (lhs: ISOWeek, rhs: ISOWeek) -> Bool {
        (lhs.year, lhs.week) < (rhs.year, rhs.week)
    }
}
