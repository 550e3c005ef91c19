import Foundation
import RingfenceCore
import RingfenceProto
import RingfenceStore
import RingfenceTestSupport
import Testing

@testable import RingfenceServer

@Suite("EventStreamIntake: one ReportEvents stream's bookkeeping, without I/O")
struct EventStreamIntakeTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let host = UUID()

    func intake(batchSize: Int, users: [String] = ["alice"]) -> EventStreamIntake {
        EventStreamIntake(
            validator: AuditEventValidator(), hostID: host, host: HostPolicyFacts(ring: nil, tags: [], users: users),
            batchSize: batchSize)
    }

    @Test("an event of a user not bound to the host is refused with the reason; a shared host takes anyone's")
    func unboundUser() {
        var intake = intake(batchSize: 100, users: ["alice"])
        _ = intake.receive(
            [auditEvent("a", user: "Alice", at: now), auditEvent("m", user: "mallory", at: now)], now: now)
        #expect(intake.finish()?.map(\.eventID) == ["a"])
        #expect(intake.response.rejected.map(\.reason) == ["user 'mallory' is not bound to this host"])
        var shared = EventStreamIntake(
            validator: AuditEventValidator(), hostID: host, host: HostPolicyFacts(ring: nil, tags: [], anyUser: true),
            batchSize: 100)
        _ = shared.receive([auditEvent("m", user: "mallory", at: now)], now: now)
        #expect(shared.finish()?.map(\.eventID) == ["m"])
    }

    @Test("a batch is handed out once enough events are pending; the rest at the end")
    func batches() {
        var intake = intake(batchSize: 3)
        #expect(intake.receive([auditEvent("a", at: now), auditEvent("b", at: now)], now: now) == nil)
        let first = intake.receive([auditEvent("c", at: now), auditEvent("d", at: now)], now: now)
        #expect(first?.map(\.eventID) == ["a", "b", "c", "d"])
        #expect(intake.finish() == nil)
        #expect(intake.receive([auditEvent("e", at: now)], now: now) == nil)
        #expect(intake.finish()?.map(\.eventID) == ["e"])
        #expect(intake.response.received == 5)
        #expect(first?.allSatisfy { $0.hostID == host } == true)
    }

    @Test("an id seen earlier in the stream is a duplicate, not written twice")
    func duplicatesInStream() {
        var intake = intake(batchSize: 100)
        _ = intake.receive([auditEvent("a", at: now), auditEvent("a", at: now)], now: now)
        _ = intake.receive([auditEvent("a", at: now)], now: now)
        #expect(intake.finish()?.map(\.eventID) == ["a"])
        #expect(intake.response.duplicates == 2)
        #expect(intake.duplicatesInStream == 2)
        intake.stored(0, duplicates: 1)  // PostgreSQL had it already
        #expect(intake.response.duplicates == 3)
        #expect(intake.response.stored == 0)
    }

    @Test("every rejection is counted; the first 100 are listed with their reasons")
    func rejections() {
        var intake = intake(batchSize: 1_000)
        var bad = auditEvent("x", at: now)
        bad.user = ""
        _ = intake.receive(Array(repeating: bad, count: 150) + [auditEvent("ok", at: now)], now: now)
        #expect(intake.rejectedCount == 150)
        #expect(intake.response.rejected.count == WireLimits.rejectionsListed)
        #expect(intake.response.rejected.first?.reason == "user is empty")
        #expect(intake.finish()?.map(\.eventID) == ["ok"])
        intake.stored(1, duplicates: 0)
        #expect(intake.response.stored == 1)
        #expect(intake.response.received == 151)
    }
}
