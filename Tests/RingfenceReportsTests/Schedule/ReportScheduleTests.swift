import Foundation
import RingfenceCore
import Testing

@testable import RingfenceReports

@Suite("ReportSchedule")
struct ReportScheduleTests {
    let w47 = ISOWeek("2026-W47")!  // Monday 2026-11-16 … Sunday 2026-11-22

    @Test("a week's reports are due on the weekday and hour of the week after")
    func due() {
        #expect(ReportSchedule().due(w47) == ISOWeek("2026-W48")!.start.addingTimeInterval(6 * 3_600))
        #expect(
            ReportSchedule(weekday: 3, hour: 0).due(w47) == ISOWeek("2026-W48")!.start.addingTimeInterval(2 * 86_400))
    }

    @Test("before Monday 06:00 the latest due week is the one before last; after it, last week")
    func latestDue() {
        let monday = ISOWeek("2026-W48")!.start
        let schedule = ReportSchedule()
        #expect(schedule.latestDue(now: monday.addingTimeInterval(5 * 3_600)) == ISOWeek("2026-W46"))
        #expect(schedule.latestDue(now: monday.addingTimeInterval(6 * 3_600)) == w47)
        #expect(schedule.latestDue(now: monday.addingTimeInterval(4 * 86_400)) == w47)
        #expect(
            schedule.nextDue(after: monday.addingTimeInterval(7 * 3_600))
                == ISOWeek("2026-W49")!.start.addingTimeInterval(6 * 3_600))
        #expect(schedule.nextDue(after: monday.addingTimeInterval(5 * 3_600)) == monday.addingTimeInterval(6 * 3_600))
    }

    @Test("weekday names", arguments: [("monday", 1), ("Mon", 1), ("sunday", 7), ("wed", 3)])
    func weekdays(name: String, number: Int) {
        #expect(ReportSchedule.weekday(named: name) == number)
    }

    @Test("unknown weekday names are refused")
    func unknownWeekday() {
        #expect(ReportSchedule.weekday(named: "someday") == nil)
        #expect(ReportSchedule.weekday(named: "") == nil)
    }
}
