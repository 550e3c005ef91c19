import RingfenceProto
import Testing

@testable import ringfence

/// agent-sim's chosen verdicts: exact proportions by sequence, one rule, clear errors.
@Suite("agent-sim event mix")
struct EventMixTests {
    @Test("verdicts come in exactly the proportions asked, a pass names no rule")
    func proportions() throws {
        let mix = try EventMix.parse(
            verdicts: "pass=18,block-candidate=2", rule: "secrets-baseline/SP-1", surface: "sensitive_path_read"
        ).get()
        let shapes = (0..<200).map { mix.shape(sequence: $0) }
        #expect(shapes.filter { $0.verdict == .blockCandidate }.count == 20)
        #expect(shapes.filter { $0.verdict == .pass }.count == 180)
        #expect(
            shapes.allSatisfy {
                $0.verdict == .pass ? $0.rule.isEmpty : $0.rule == "SP-1" && $0.pack == "secrets-baseline"
            })
        #expect(shapes.first { $0.verdict == .blockCandidate }?.uncapped == .block)
        let warns = try EventMix.parse(verdicts: "warn-candidate=1", rule: "p/R", surface: "risky_shell").get()
        #expect(warns.shape(sequence: 7).uncapped == .warn && warns.shape(sequence: 7).surface == "risky_shell")
    }

    @Test("malformed verdicts and rules are refused with the reason")
    func errors() {
        func failure(_ verdicts: String, _ rule: String = "p/R") -> String? {
            if case .failure(let error) = EventMix.parse(verdicts: verdicts, rule: rule, surface: "s") {
                return error.description
            }
            return nil
        }
        #expect(failure("pass=1,maybe=2")?.contains("'maybe=2' is not VERDICT=WEIGHT") == true)
        #expect(failure("pass=-1")?.contains("not VERDICT=WEIGHT") == true)
        #expect(failure("pass=0") == "--verdicts: give at least one verdict a weight above 0")
        #expect(failure("pass=1", "SP-1") == "--rule: expected PACK/RULE-ID, got 'SP-1'")
    }
}
