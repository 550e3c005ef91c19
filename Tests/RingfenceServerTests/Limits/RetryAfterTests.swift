import Testing

@testable import RingfenceServer

@Suite("RetryAfter: a wait a person can act on")
struct RetryAfterTests {
    @Test("short waits in whole milliseconds, never zero; long waits in seconds")
    func wording() {
        #expect(RetryAfter.text(seconds: 0.000_4) == "retry in 1 ms")
        #expect(RetryAfter.text(seconds: 0) == "retry in 1 ms")
        #expect(RetryAfter.text(seconds: 0.05) == "retry in 50 ms")
        #expect(RetryAfter.text(seconds: 1.2345) == "retry in 1235 ms")
        #expect(RetryAfter.text(seconds: 12.1) == "retry in 13 s")
    }
}
