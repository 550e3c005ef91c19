import Foundation

/// What a group's past week of audit events would have met one ring higher: each group of
/// identical events (same user, host, repository, rule and verdict) is resolved again with
/// the host ring set to the next ring, and its rule's new level compared with what the
/// agent did. Pure: the events come from `ReportQueries`, the policy from the snapshot in
/// force at the end of the week.
public enum NextRingImpact {
    /// The outcome for one group and week.
    public struct Summary: Sendable, Codable, Equatable {
        public var fromRing: Int
        public var toRing: Int
        /// Events that would newly warn (the rule now warns; the agent neither warned nor blocked).
        public var newlyWarned: Int
        /// Events that would newly block (the rule now blocks; the agent did not block).
        public var newlyBlocked: Int
        /// Distinct people and repositories with a newly warned or blocked event.
        public var people: Int
        public var repos: Int
        /// `surface → ["warn": n, "block": n]`.
        public var bySurface: [String: [String: Int]]
        /// The rule with the most newly blocked events (else newly warned), and its share of them.
        public var topRule: TopRule?
        /// Everyone with a newly warned or blocked event, most first (then by name); nil in
        /// reports recorded before names were kept.
        public var affected: [AffectedPerson]? = nil

        /// Creates a summary.
        public init(
            fromRing: Int, toRing: Int, newlyWarned: Int, newlyBlocked: Int, people: Int, repos: Int,
            bySurface: [String: [String: Int]], topRule: TopRule?, affected: [AffectedPerson]? = nil
        ) {
            self.fromRing = fromRing
            self.toRing = toRing
            self.newlyWarned = newlyWarned
            self.newlyBlocked = newlyBlocked
            self.people = people
            self.repos = repos
            self.bySurface = bySurface
            self.topRule = topRule
            self.affected = affected
        }

        /// The sentence managers read first.
        public func readiness(group: String) -> String {
            if newlyWarned == 0 && newlyBlocked == 0 {
                return "moving \(group) to ring \(toRing) would change nothing for last week's actions"
            }
            var text =
                "moving \(group) to ring \(toRing) would newly block \(newlyBlocked) and newly warn on \(newlyWarned) "
                + "action\(newlyBlocked + newlyWarned == 1 ? "" : "s") by \(people) \(people == 1 ? "person" : "people")"
            if let topRule {
                text += ", \(Int((topRule.share * 100).rounded())) % in \(topRule.surface) rule \(topRule.ruleID)"
            }
            return text
        }
    }

    /// A person the next ring would stop or warn, and how often.
    public struct AffectedPerson: Sendable, Codable, Equatable {
        public var user: String
        public var newlyBlocked: Int
        public var newlyWarned: Int

        public init(user: String, newlyBlocked: Int, newlyWarned: Int) {
            self.user = user
            self.newlyBlocked = newlyBlocked
            self.newlyWarned = newlyWarned
        }
    }

    /// The rule that accounts for most of the change.
    public struct TopRule: Sendable, Codable, Equatable {
        public var pack: String
        public var ruleID: String
        public var surface: String
        public var share: Double
    }

    /// The summary of `events` one ring above `ring`; nil when `ring` is the last.
    public static func summarize(events: [ImpactPreview.ObservedEvents], ring: Ring, snapshot: PolicySnapshot)
        -> Summary?
    {
        guard let next = Ring(rawValue: ring.rawValue + 1) else { return nil }
        var summary = Summary(
            fromRing: ring.number, toRing: next.number, newlyWarned: 0, newlyBlocked: 0, people: 0, repos: 0,
            bySurface: [:], topRule: nil)
        var people: [String: (blocked: Int, warned: Int)] = [:]
        var repos = Set<String>()
        struct RuleKey: Hashable { var pack, rule, surface: String }
        var blockedByRule: [RuleKey: Int] = [:]
        var warnedByRule: [RuleKey: Int] = [:]
        // Many event groups share a context (same user, host facts, repository, surface):
        // resolve each context once, and keep the levels of its rules.
        var levels: [String: [String: Level]] = [:]
        for event in events {
            var context = event.context
            context.hostRing = next
            context.surfaces = [event.surface]
            let contextKey = context.fingerprint
            if levels[contextKey] == nil {
                var rules: [String: Level] = [:]
                for rule in snapshot.resolve(context).surface(event.surface)?.rules ?? [] {
                    let ruleKey = rule.pack + "\u{0}" + rule.rule.id
                    rules[ruleKey] = max(rules[ruleKey] ?? .off, rule.level)
                }
                levels[contextKey] = rules
            }
            let level = levels[contextKey]?[event.pack + "\u{0}" + event.ruleID] ?? .off
            let key = RuleKey(pack: event.pack, rule: event.ruleID, surface: event.surface.rawValue)
            let user = event.context.user.lowercased()
            switch level {
            case .block where event.verdict != .block:
                people[user, default: (0, 0)].blocked += event.count
                summary.newlyBlocked += event.count
                summary.bySurface[event.surface.rawValue, default: [:]]["block", default: 0] += event.count
                blockedByRule[key, default: 0] += event.count
            case .warn where event.verdict != .warn && event.verdict != .block:
                people[user, default: (0, 0)].warned += event.count
                summary.newlyWarned += event.count
                summary.bySurface[event.surface.rawValue, default: [:]]["warn", default: 0] += event.count
                warnedByRule[key, default: 0] += event.count
            default:
                continue
            }
            if let repo = event.context.repo { repos.insert(repo) }
        }
        summary.people = people.count
        summary.affected = people.map {
            AffectedPerson(user: $0.key, newlyBlocked: $0.value.blocked, newlyWarned: $0.value.warned)
        }
        .sorted {
            ($0.newlyBlocked + $0.newlyWarned, $1.user) > ($1.newlyBlocked + $1.newlyWarned, $0.user)
        }
        summary.repos = repos.count
        let (ranking, total) =
            summary.newlyBlocked > 0 ? (blockedByRule, summary.newlyBlocked) : (warnedByRule, summary.newlyWarned)
        // Most events first; ties by pack, rule and surface, so the choice is stable.
        if let top = ranking.max(by: {
            ($0.value, $1.key.pack, $1.key.rule, $1.key.surface) < ($1.value, $0.key.pack, $0.key.rule, $0.key.surface)
        }),
            total > 0
        {
            summary.topRule = TopRule(
                pack: top.key.pack, ruleID: top.key.rule, surface: top.key.surface,
                share: Double(top.value) / Double(total))
        }
        return summary
    }
}
