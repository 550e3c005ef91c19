import Foundation
import RingfenceProto

/// The events a simulated host sends when the verdicts are chosen (`agent-sim run
/// --verdicts pass=80,block-candidate=20 --rule PACK/RULE`): each event's verdict is picked
/// by its sequence number in proportion to the weights, for one rule and surface, so a run
/// gives exactly the rates asked for. Pure.
struct EventMix: Sendable, Equatable {
    /// Verdicts with their weights, in the order written.
    var weights: [(verdict: Ringfence_V1_Verdict, weight: Int)]
    var pack: String
    var rule: String
    var surface: String

    static let names: [String: Ringfence_V1_Verdict] = [
        "pass": .pass, "warn": .warn, "block": .block, "warn-candidate": .warnCandidate,
        "block-candidate": .blockCandidate,
    ]

    /// Parses `VERDICT=WEIGHT,…` and `PACK/RULE`; nil with the reason when malformed.
    static func parse(verdicts: String, rule: String, surface: String) -> Result<EventMix, ParseError> {
        var weights: [(Ringfence_V1_Verdict, Int)] = []
        for part in verdicts.split(separator: ",") {
            let pieces = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count == 2, let verdict = names[pieces[0]], let weight = Int(pieces[1]), weight >= 0 else {
                return .failure(
                    ParseError(
                        "--verdicts: '\(part)' is not VERDICT=WEIGHT (verdicts: \(names.keys.sorted().joined(separator: ", ")))"
                    ))
            }
            weights.append((verdict, weight))
        }
        guard weights.contains(where: { $0.1 > 0 }) else {
            return .failure(ParseError("--verdicts: give at least one verdict a weight above 0"))
        }
        let reference = rule.split(separator: "/", maxSplits: 1).map(String.init)
        guard reference.count == 2, !reference[0].isEmpty, !reference[1].isEmpty else {
            return .failure(ParseError("--rule: expected PACK/RULE-ID, got '\(rule)'"))
        }
        return .success(EventMix(weights: weights, pack: reference[0], rule: reference[1], surface: surface))
    }

    struct ParseError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// The verdict of the event with this sequence number: sequence modulo the total
    /// weight, walked through the weights.
    func verdict(sequence: Int) -> Ringfence_V1_Verdict {
        var slot = sequence % weights.reduce(0) { $0 + $1.weight }
        for (verdict, weight) in weights {
            if slot < weight { return verdict }
            slot -= weight
        }
        return weights[weights.count - 1].verdict
    }

    /// The event's shape: a pass names no rule; any other verdict names the rule.
    func shape(sequence: Int) -> (
        surface: String, rule: String, pack: String, verdict: Ringfence_V1_Verdict, uncapped: Ringfence_V1_Level
    ) {
        let verdict = verdict(sequence: sequence)
        switch verdict {
        case .pass: return (surface, "", "", .pass, .off)
        case .warn, .warnCandidate: return (surface, rule, pack, verdict, .warn)
        default: return (surface, rule, pack, verdict, .block)
        }
    }

    static func == (lhs: EventMix, rhs: EventMix) -> Bool {
        lhs.weights.map(\.verdict) == rhs.weights.map(\.verdict)
            && lhs.weights.map(\.weight) == rhs.weights.map(\.weight)
            && (lhs.pack, lhs.rule, lhs.surface) == (rhs.pack, rhs.rule, rhs.surface)
    }
}
