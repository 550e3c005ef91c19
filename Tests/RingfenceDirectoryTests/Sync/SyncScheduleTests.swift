import Foundation
import Testing

@testable import RingfenceDirectory

@Suite("SyncSchedule")
struct SyncScheduleTests {
    let schedule = SyncSchedule(incrementalEvery: 900, fullEvery: 86_400)
    let now = Date(timeIntervalSince1970: 1_795_000_000)

    @Test("no full run yet: full, now")
    func first() {
        let next = schedule.next(lastFull: nil, lastRun: nil, now: now)
        #expect(next.mode == .full && next.at == now)
    }

    @Test("incremental runs every interval after the last run")
    func incremental() {
        let next = schedule.next(
            lastFull: now.addingTimeInterval(-3_600), lastRun: now.addingTimeInterval(-100), now: now)
        #expect(next.mode == .incremental)
        #expect(next.at == now.addingTimeInterval(800))
    }

    @Test("a full run wins when it is due first or at the same time")
    func fullDue() {
        let lastFull = now.addingTimeInterval(-86_400 + 60)
        let next = schedule.next(lastFull: lastFull, lastRun: now.addingTimeInterval(-10), now: now)
        #expect(next.mode == .full)
        #expect(next.at == now.addingTimeInterval(60))
        let tie = SyncSchedule(incrementalEvery: 100, fullEvery: 100).next(lastFull: now, lastRun: now, now: now)
        #expect(tie.mode == .full)
    }
}
