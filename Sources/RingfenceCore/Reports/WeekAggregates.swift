import Foundation

/// A week of audit events aggregated per user in PostgreSQL — volume by surface and
/// verdict, rule candidates with an example, and rule matches grouped by context — so
/// the reports of many groups come from one pass over the week instead of one per group.
/// Pure: a group's figures are sums over its members.
public struct WeekAggregates: Sendable {
    /// A rule, as reports count it.
    public struct RuleKey: Sendable, Hashable {
        public var pack: String
        public var ruleID: String
        public var surface: String

        public init(pack: String, ruleID: String, surface: String) {
            self.pack = pack
            self.ruleID = ruleID
            self.surface = surface
        }
    }

    /// Candidate events of one user for one rule, and one event's summary.
    public struct Candidates: Sendable, Equatable {
        public var count: Int
        public var example: String

        public init(count: Int, example: String) {
            self.count = count
            self.example = example
        }
    }

    /// user (lower-cased) → surface → verdict → count.
    public var volume: [String: [String: [String: Int]]] = [:]
    /// user → rule → candidates.
    public var candidates: [String: [RuleKey: Candidates]] = [:]
    /// user → grouped rule matches (for the next-ring evaluation).
    public var matches: [String: [ImpactPreview.ObservedEvents]] = [:]
    /// user → hook input not understood (agent, version, name; `events` per user, `sources` 1).
    public var unrecognized: [String: [UnrecognizedHookInput]] = [:]

    public init() {}

    /// The members' hook input not understood, summed per agent, version and name, with
    /// the number of members who sent it; most first.
    public func unrecognizedInputs(of members: [String]) -> [UnrecognizedHookInput] {
        var totals: [UnrecognizedHookInput: (events: Int, users: Int)] = [:]
        for member in members {
            for input in unrecognized[member] ?? [] {
                let key = UnrecognizedHookInput(
                    agent: input.agent, agentVersion: input.agentVersion, name: input.name, events: 0, sources: 0)
                var total = totals[key] ?? (0, 0)
                total.events += input.events
                total.users += 1
                totals[key] = total
            }
        }
        return UnrecognizedHookInput.ranked(
            totals.map { key, total in
                UnrecognizedHookInput(
                    agent: key.agent, agentVersion: key.agentVersion, name: key.name, events: total.events,
                    sources: total.users)
            })
    }

    /// The members' volume.
    public func volume(of members: [String]) -> GroupWeekReport.Volume {
        var result = GroupWeekReport.Volume(bySurface: [:])
        for member in members {
            for (surface, verdicts) in volume[member] ?? [:] {
                for (verdict, count) in verdicts {
                    result.bySurface[surface, default: [:]][verdict, default: 0] += count
                }
            }
        }
        return result
    }

    /// The `limit` rules with most candidates among the members: most first, then by pack,
    /// rule id and surface. The example is the smallest summary among the members' (a
    /// deterministic pick).
    public func noisyRules(of members: [String], limit: Int = 10) -> [GroupWeekReport.NoisyRule] {
        var totals: [RuleKey: (count: Int, users: Int, example: String?)] = [:]
        for member in members {
            for (rule, found) in candidates[member] ?? [:] {
                var entry = totals[rule] ?? (0, 0, nil)
                entry.count += found.count
                entry.users += 1
                if !found.example.isEmpty, entry.example.map({ found.example < $0 }) ?? true {
                    entry.example = found.example
                }
                totals[rule] = entry
            }
        }
        let ranked = totals.sorted { a, b in
            if a.value.count != b.value.count { return a.value.count > b.value.count }
            return (a.key.pack, a.key.ruleID, a.key.surface) < (b.key.pack, b.key.ruleID, b.key.surface)
        }
        return ranked.prefix(limit).map { rule, total in
            GroupWeekReport.NoisyRule(
                pack: rule.pack, ruleID: rule.ruleID, surface: rule.surface, candidates: total.count,
                usersHit: total.users,
                shareOfMembers: members.isEmpty ? 0 : Double(total.users) / Double(members.count),
                example: total.example ?? "")
        }
    }

    /// The members' grouped rule matches.
    public func matches(of members: [String]) -> [ImpactPreview.ObservedEvents] {
        members.flatMap { matches[$0] ?? [] }
    }
}
