import Foundation
import PropertyBased
import Testing

@testable import RingfenceCore

@Suite("ISOWeek")
struct ISOWeekTests {
    @Test("parses and prints YYYY-Www")
    func roundTrip() throws {
        let week = try #require(ISOWeek("2026-W47"))
        #expect(week.year == 2026)
        #expect(week.week == 47)
        #expect(week.description == "2026-W47")
        #expect(ISOWeek("2026-W05")?.description == "2026-W05")
    }

    @Test("weeks start on Monday 00:00 UTC and last seven days")
    func bounds() throws {
        let week = try #require(ISOWeek("2026-W47"))
        // 2026-11-16 is a Monday.
        #expect(week.start == Date(timeIntervalSince1970: 1_794_787_200))
        #expect(week.end.timeIntervalSince(week.start) == 7 * 86_400)
        #expect(ISOWeek(containing: week.start) == week)
        #expect(ISOWeek(containing: week.end.addingTimeInterval(-1)) == week)
        #expect(ISOWeek(containing: week.end) != week)
    }

    @Test("week 1 can start in the previous calendar year, and the previous week wraps")
    func yearBoundaries() throws {
        // 2026-W01 starts on Monday 2025-12-29.
        let first = try #require(ISOWeek("2026-W01"))
        #expect(first.start == Date(timeIntervalSince1970: 1_766_966_400))
        #expect(first.previous.description == "2025-W52")
        // A year has week 53 only when it starts (or, in leap years, ends) on a Thursday.
        #expect(ISOWeek("2026-W53")?.description == "2026-W53")
        #expect(ISOWeek("2025-W53") == nil)
    }

    @Test(
        "malformed weeks are refused",
        arguments: ["", "2026", "2026-47", "2026-W", "2026-W00", "2026-W54", "26-W01", "2026-w01", "2026-W1"])
    func malformed(text: String) {
        #expect(ISOWeek(text) == nil)
    }

    /// Foundation's ISO 8601 calendar in UTC: an independent oracle for the arithmetic.
    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    @Test("any moment from 1900 to 2200 falls in the week Foundation's ISO calendar names, which starts on its Monday")
    func agreesWithCalendar() async {
        // Seconds from 1900-01-01 to 2200-01-01.
        await propertyCheck(count: 2_000, input: Gen.int(in: -2_208_988_800...7_258_118_400)) { seconds in
            let moment = Date(timeIntervalSince1970: TimeInterval(seconds))
            let week = ISOWeek(containing: moment)
            let expected = Self.calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: moment)
            #expect(week.year == expected.yearForWeekOfYear)
            #expect(week.week == expected.weekOfYear)
            #expect(week.start == Self.calendar.dateInterval(of: .weekOfYear, for: moment)?.start)
            #expect(ISOWeek(week.description) == week)
        }
    }
}
