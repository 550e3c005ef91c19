import Testing

@testable import RingfenceSCIM

@Suite("SCIM burst guard")
struct ScimBurstGuardTests {
    let guardLimits = ScimBurstGuard(maxCount: 100, maxShare: 0.10, minimum: 20, windowSeconds: 3_600)

    @Test("a count over the limit within the window is held, counting what came before")
    func count() {
        #expect(guardLimits.hold(.users, incoming: 1, recent: 99, population: 100_000) == nil)
        let reason = guardLimits.hold(.users, incoming: 1, recent: 100, population: 100_000)
        #expect(reason?.contains("101 users removed within 60 minutes") == true)
        #expect(
            guardLimits.hold(.memberships, incoming: 500, recent: 0, population: 1_000_000) != nil, "one big change too"
        )
    }

    @Test("a share over the limit is held once there are more than the minimum; nothing incoming is never held")
    func share() {
        #expect(guardLimits.hold(.users, incoming: 1, recent: 19, population: 30) == nil, "20 of 30: at the minimum")
        #expect(guardLimits.hold(.users, incoming: 1, recent: 20, population: 30)?.contains("(70 %)") == true)
        #expect(guardLimits.hold(.groups, incoming: 1, recent: 20, population: 1_000) == nil, "21 of 1,000 is 2 %")
        #expect(guardLimits.hold(.groups, incoming: 0, recent: 1_000, population: 1) == nil)
    }
}
