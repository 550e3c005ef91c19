import Testing

@testable import ringfence

@Suite("TimeSpan")
struct TimeSpanTests {
    @Test(
        "a number and a unit",
        arguments: [("90s", 90.0), ("30m", 1_800), ("24h", 86_400), ("7d", 604_800), ("1.5h", 5_400), ("0s", 0)])
    func parses(text: String, seconds: Double) {
        #expect(TimeSpan(argument: text)?.seconds == seconds)
    }

    @Test("anything else is refused", arguments: ["", "24", "h", "-1h", "1w", "1 h", "1hh"])
    func refused(text: String) {
        #expect(TimeSpan(argument: text) == nil)
    }
}
