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

    /// Parses `YYYY-Www`; nil when malformed or when the year has no such week.
    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, let year = Int(parts[0]),
            parts[1].count == 3, parts[1].first == "W", let week = Int(parts[1].dropFirst()),
            week >= 1, week <= 53
        else { return nil }
        self.year = year
        self.week = week
        guard ISOWeek(containing: start) == self else { return nil }
    }

    /// The week that holds a moment. Plain arithmetic on days since 1970 (no `Calendar`):
    /// cheap enough for every event written.
    public init(containing date: Date) {
        let days = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
        // ISO weeks belong to the year of their Thursday.
        let thursday = days - Self.weekdayIndex(days) + 3
        let year = Self.civilYear(fromDays: thursday)
        self.year = year
        self.week = (thursday - Self.days(year: year, month: 1, day: 1)) / 7 + 1
    }

    /// Monday 00:00 UTC.
    public var start: Date {
        let january4 = Self.days(year: year, month: 1, day: 4)  // always in week 1
        let monday = january4 - Self.weekdayIndex(january4) + (week - 1) * 7
        return Date(timeIntervalSince1970: TimeInterval(monday) * 86_400)
    }

    /// 0 for Monday … 6 for Sunday, of a day counted from 1970-01-01 (a Thursday).
    static func weekdayIndex(_ days: Int) -> Int {
        ((days % 7) + 7 + 3) % 7
    }

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar
    /// (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms", days_from_civil).
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The year of a day counted from 1970-01-01 (civil_from_days, year only).
    static func civilYear(fromDays days: Int) -> Int {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        return yearOfEra + era * 400 + (monthIndex >= 10 ? 1 : 0)
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
