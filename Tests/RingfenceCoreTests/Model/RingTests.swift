import Testing

@testable import RingfenceCore

@Suite("Ring and Level")
struct RingTests {
    @Test("levels are ordered off < observe < warn < block")
    func levelOrder() {
        #expect(Level.allCases.sorted() == [.off, .observe, .warn, .block])
        #expect(max(Level.warn, .observe) == .warn)
    }

    @Test(
        "ring caps follow the rollout stages",
        arguments: [
            (Ring.inventory, false, Level.off), (.inventory, true, .off),
            (.audit, false, .observe), (.audit, true, .observe),
            (.target, false, .observe), (.target, true, .block),
            (.enforce, false, .block), (.enforce, true, .block),
        ])
    func caps(ring: Ring, targeted: Bool, cap: Level) {
        #expect(ring.cap(targeted: targeted) == cap)
    }

    @Test("raising the ring never lowers a cap")
    func capsAreMonotonic() {
        for targeted in [false, true] {
            let caps = Ring.allCases.sorted().map { $0.cap(targeted: targeted) }
            #expect(caps == caps.sorted())
        }
    }

    @Test("rings are numbered 1 to 4 with a next ring up to enforce")
    func numbering() {
        #expect(Ring(number: 0) == nil)
        #expect(Ring(number: 5) == nil)
        #expect(Ring(number: 3)?.next == .enforce)
        #expect(Ring.enforce.next == nil)
        #expect(Ring.default == .inventory)
    }
}

@Suite("Verdict")
struct VerdictTests {
    @Test(
        "the applied level decides; a stronger uncapped level makes a candidate",
        arguments: [
            (Level.off, Level.off, Verdict.pass),
            (.observe, .observe, .pass),
            (.observe, .warn, .warnCandidate),
            (.observe, .block, .blockCandidate),
            (.off, .block, .blockCandidate),
            (.warn, .warn, .warn),
            (.warn, .block, .warn),
            (.block, .block, .block),
        ])
    func verdicts(applied: Level, uncapped: Level, verdict: Verdict) {
        #expect(Verdict(applied: applied, uncapped: uncapped) == verdict)
    }

    @Test("verdicts use the dashed names of the design")
    func names() {
        #expect(Verdict.allCases.map(\.rawValue) == ["pass", "warn", "block", "warn-candidate", "block-candidate"])
    }
}

@Suite("Surface")
struct SurfaceTests {
    @Test(
        "surface names are lowercase identifiers",
        arguments: [
            ("risky_shell", true), ("mcp_tool", true), ("a1", true),
            ("", false), ("Risky", false), ("1abc", false), ("risky-shell", false), ("risky shell", false),
            (String(repeating: "a", count: 65), false),
        ])
    func names(name: String, valid: Bool) {
        #expect((Surface(rawValue: name) != nil) == valid)
    }

    @Test("well-known surfaces are valid")
    func wellKnown() {
        for surface in Surface.wellKnown { #expect(Surface(rawValue: surface.rawValue) == surface) }
    }
}
