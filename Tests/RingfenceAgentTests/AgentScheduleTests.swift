import Foundation
import Testing

@testable import RingfenceAgent

/// `workstation run`'s decisions, with the time passed in.
@Suite("AgentSchedule")
struct AgentScheduleTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func schedule(held: Int64? = nil, key: (Date, Date)? = nil) -> AgentSchedule {
        AgentSchedule(
            settings: .init(sendInterval: 30, checkInterval: 5, retryBase: 1, retryMax: 8), now: t0, heldRevision: held,
            key: key ?? (t0, t0.addingTimeInterval(90 * 86_400)))
    }

    @Test("at start: heartbeat, then fetch, then send, then look for repositories, then wait for the earliest")
    func start() {
        var s = schedule()
        #expect(s.next(now: t0) == .heartbeat)
        s.heartbeatAnswered(at: t0, intervalSeconds: 60, revision: 7)
        #expect(s.next(now: t0) == .fetch)
        s.fetched(revision: 7)
        #expect(s.next(now: t0) == .send)
        s.sent(at: t0)
        #expect(s.next(now: t0) == .checkRepositories)
        s.checkedRepositories(at: t0, found: false)
        #expect(s.next(now: t0) == .wait(until: t0.addingTimeInterval(5)))
        s.checkedRepositories(at: t0.addingTimeInterval(5), found: false)
        s.checkedRepositories(at: t0.addingTimeInterval(10), found: false)
        #expect(s.next(now: t0.addingTimeInterval(10)) == .wait(until: t0.addingTimeInterval(15)))
        #expect(s.next(now: t0.addingTimeInterval(60)) == .heartbeat, "the server's interval")
    }

    @Test("an announced revision other than the one held, or a newly seen repository, fetches at once")
    func fetchTriggers() {
        var s = schedule(held: 7)
        s.heartbeatAnswered(at: t0, intervalSeconds: 300, revision: 7)
        s.fetched(revision: 7)
        s.sent(at: t0)
        s.checkedRepositories(at: t0, found: false)
        #expect(s.next(now: t0.addingTimeInterval(1)) == .wait(until: t0.addingTimeInterval(5)))
        s.announced(revision: 9)
        #expect(s.next(now: t0.addingTimeInterval(1)) == .fetch)
        // A fetch racing a publish holds the older revision: it fetches again.
        s.fetched(revision: 8)
        #expect(s.next(now: t0.addingTimeInterval(1)) == .fetch)
        s.fetched(revision: 9)
        #expect(s.next(now: t0.addingTimeInterval(1)) != .fetch)
        // An announcement older than what is known changes nothing.
        s.announced(revision: 3)
        #expect(s.next(now: t0.addingTimeInterval(1)) != .fetch)
        s.checkedRepositories(at: t0.addingTimeInterval(5), found: true)
        #expect(s.next(now: t0.addingTimeInterval(5)) == .fetch)
    }

    @Test("a rollback is a newer revision: it is fetched like any publish")
    func rollback() {
        var s = schedule(held: 12)
        s.heartbeatAnswered(at: t0, intervalSeconds: 300, revision: 12)
        s.fetched(revision: 12)
        s.announced(revision: 13)  // rollback to 11 published as 13
        #expect(s.next(now: t0) == .fetch)
    }

    @Test("the key is rotated two thirds into its lifetime, before anything else; a key of unknown age at once")
    func rotation() {
        let expires = t0.addingTimeInterval(90)
        var s = schedule(key: (t0, expires))
        s.heartbeatAnswered(at: t0, intervalSeconds: 300, revision: 1)
        s.fetched(revision: 1)
        s.sent(at: t0)
        s.checkedRepositories(at: t0, found: false)
        #expect(s.rotationDue == t0.addingTimeInterval(60))
        #expect(s.next(now: t0.addingTimeInterval(59)) != .rotateKey)
        #expect(s.next(now: t0.addingTimeInterval(60)) == .rotateKey)
        s.rotated(issued: t0.addingTimeInterval(60), expires: t0.addingTimeInterval(150))
        #expect(s.rotationDue == t0.addingTimeInterval(120))
        #expect(s.next(now: t0.addingTimeInterval(61)) != .rotateKey)
        let unknown = schedule(key: (.distantPast, t0))
        #expect(unknown.next(now: t0) == .rotateKey)
    }

    @Test("a failure waits with a doubling delay up to the maximum; a success resets it")
    func retries() {
        var s = schedule()
        var now = t0
        var delays: [TimeInterval] = []
        for _ in 0..<6 {
            s.failed(at: now)
            guard case .wait(let until) = s.next(now: now) else {
                Issue.record("expected a wait")
                return
            }
            delays.append(until.timeIntervalSince(now))
            now = until
            #expect(s.next(now: now) == .heartbeat, "the failed step is due again")
        }
        #expect(delays == [1, 2, 4, 8, 8, 8])
        s.heartbeatAnswered(at: now, intervalSeconds: 300, revision: 1)
        #expect(s.failures == 0 && s.retryAt == nil)
    }
}
