import Foundation

/// How one assignment fared in a resolution (docs/resolution.md, rule 10).
public struct TraceEntry: Sendable, Hashable {
    /// Position of the assignment in rank order.
    public let rank: Int
    /// What happened to it.
    public let outcome: Outcome

    /// The possible outcomes.
    public enum Outcome: Sendable, Hashable {
        /// The selector matched and the assignment contributed.
        case matched
        /// This selector field did not match.
        case notMatched(Selector.Field)
        /// The validity window starts after the context's moment.
        case notYetValid(from: Date)
        /// The validity window ended at or before the context's moment.
        case expired(until: Date)
        /// The same pack is applied by the assignment at this rank.
        case shadowed(byRank: Int)
    }
}

/// The trace of a resolution: one entry per assignment of the snapshot, in rank order.
///
/// Only the assignments the inverted index offered as candidates are evaluated and stored;
/// the entry of every other assignment is implied (its groups or roles did not match) and
/// produced when read. So a resolution costs time in proportion to its candidates, not to
/// the size of the policy, while the trace stays complete.
public struct ResolutionTrace: RandomAccessCollection, Sendable {
    /// Outcomes of the evaluated candidates, by ascending rank.
    let evaluated: [(rank: Int32, outcome: TraceEntry.Outcome)]
    /// Whether each rank was reached through a group / a role of the context.
    let groupHit: [Bool]
    let roleHit: [Bool]
    let gate: [UInt8]

    public var startIndex: Int { 0 }
    public var endIndex: Int { gate.count }

    public subscript(rank: Int) -> TraceEntry {
        var low = 0
        var high = evaluated.count
        while low < high {
            let middle = (low + high) / 2
            if Int(evaluated[middle].rank) < rank { low = middle + 1 } else { high = middle }
        }
        if low < evaluated.count, Int(evaluated[low].rank) == rank {
            return TraceEntry(rank: rank, outcome: evaluated[low].outcome)
        }
        let field: Selector.Field = gate[rank] & 1 != 0 && !groupHit[rank] ? .groups : .roles
        return TraceEntry(rank: rank, outcome: .notMatched(field))
    }
}

/// A trace entry with names filled in, for people and for the wire.
public struct TraceLine: Sendable, Hashable, Codable {
    /// Assignment id.
    public var assignment: String
    /// Its priority.
    public var priority: Int
    /// Pack and resolved version; empty and 0 for an overrides-only assignment.
    public var pack: String
    public var packVersion: Int
    /// `matched`, `not-matched`, `not-valid` or `shadowed`.
    public var outcome: String
    /// Why, in words.
    public var reason: String
    /// Surfaces it decided.
    public var wonSurfaces: [String]
}

extension Resolution {
    /// The trace with names and reasons, in rank order.
    public var traceLines: [TraceLine] {
        var won: [Int: [String]] = [:]
        for surface in surfaces {
            if let rank = surface.winnerRank { won[rank, default: []].append(surface.surface.rawValue) }
        }
        let storage = snapshot.storage
        return trace.map { entry in
            let compiled = storage.assignments[entry.rank]
            let assignment = compiled.source
            let pack = compiled.packVersion.map { storage.packVersions[Int($0)] }
            let (outcome, reason) = describe(entry.outcome, assignment: assignment)
            return TraceLine(
                assignment: assignment.id, priority: assignment.priority, pack: pack?.pack ?? "",
                packVersion: pack?.version ?? 0, outcome: outcome, reason: reason, wonSurfaces: won[entry.rank] ?? [])
        }
    }

    private func describe(_ outcome: TraceEntry.Outcome, assignment: Assignment) -> (String, String) {
        let selector = assignment.selector
        switch outcome {
        case .matched:
            return ("matched", assignment.selector == Selector() ? "selects everyone" : "selector matched")
        case .notMatched(let field):
            let reason: String
            switch field {
            case .groups: reason = "none of groups [\(selector.groups.joined(separator: ", "))] among the user's groups"
            case .roles: reason = "none of roles [\(selector.roles.joined(separator: ", "))] among the user's roles"
            case .hostRings:
                reason =
                    "ring \(ring.number) not in hostRings [\(selector.hostRings.map { String($0.number) }.joined(separator: ", "))]"
            case .hostTags: reason = "none of hostTags [\(selector.hostTags.joined(separator: ", "))] on the host"
            case .repos:
                reason =
                    context.repo.map { "repository \($0) matches none of [\(selector.repos.joined(separator: ", "))]" }
                    ?? "no repository in the context; selects repos [\(selector.repos.joined(separator: ", "))]"
            case .repoTrust:
                reason =
                    "trust \(context.trust?.rawValue ?? "unknown") not in repoTrust [\(selector.repoTrust.map(\.rawValue).joined(separator: ", "))]"
            case .agents:
                reason =
                    "agent \(context.agent.isEmpty ? "unknown" : context.agent) not in agents [\(selector.agents.joined(separator: ", "))]"
            case .surfaces:
                reason =
                    "acts on surfaces [\(selector.surfaces.map(\.rawValue).joined(separator: ", "))], none of them resolved"
            }
            return ("not-matched", reason)
        case .notYetValid(let from):
            return ("not-valid", "starts \(from.formatted(.iso8601))")
        case .expired(let until):
            return ("not-valid", "ended \(until.formatted(.iso8601))")
        case .shadowed(let rank):
            let winner = snapshot.storage.assignments[rank].source
            return (
                "shadowed",
                "pack \(assignment.pack ?? "") already applied by \(winner.id) (priority \(winner.priority))"
            )
        }
    }
}

extension TraceLine {
    /// A trace as stored with a resolution: JSON with sorted keys. Strings, integers and
    /// arrays of strings always encode; a failure would be a bug in this type.
    public static func json(_ lines: [TraceLine]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            return String(decoding: try encoder.encode(lines), as: UTF8.self)
        } catch {
            preconditionFailure("a trace of strings and integers did not encode: \(error)")
        }
    }
}
