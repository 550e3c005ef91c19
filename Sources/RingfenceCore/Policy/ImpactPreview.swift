/// What publishing a policy would change for the people and events actually seen: the
/// impact preview of `ringfence apply --preview`. Pure: the store supplies the population
/// and last week's events, the resolver does the rest.
public struct ImpactPreview: Sendable {
    /// One group of identical past events (same context, rule and verdict), with its count.
    public struct ObservedEvents: Sendable {
        public var context: DecisionContext
        public var pack: String
        public var ruleID: String
        public var surface: Surface
        public var verdict: Verdict
        public var count: Int

        public init(
            context: DecisionContext, pack: String, ruleID: String, surface: Surface, verdict: Verdict, count: Int
        ) {
            self.context = context
            self.pack = pack
            self.ruleID = ruleID
            self.surface = surface
            self.verdict = verdict
            self.count = count
        }
    }

    /// A change of applied level for one context and surface.
    public struct Change: Sendable, Hashable {
        public var user: String
        public var repo: String
        public var surface: Surface
        public var from: Level
        public var to: Level
    }

    /// Contexts resolved (users × hosts × repositories seen).
    public private(set) var contexts = 0
    /// Every level change, in context order.
    public private(set) var changes: [Change] = []
    /// Changes counted per (group, surface); a user counts in each of their groups.
    public private(set) var byGroupAndSurface: [String: [Surface: Int]] = [:]
    /// Past events whose rule would warn or block under the new policy where it did not
    /// under the current one (same context, same ring caps): the change of publishing,
    /// not the distance from what the agents recorded.
    public private(set) var newlyWarned = 0
    public private(set) var newlyBlocked = 0

    /// - Parameters:
    ///   - population: contexts of the users, hosts and repositories seen recently.
    ///   - events: last week's events, grouped.
    ///   - current: the policy in force (nil: none yet).
    ///   - next: the policy to publish.
    public init(population: [DecisionContext], events: [ObservedEvents], current: PolicySnapshot?, next: PolicySnapshot)
    {
        contexts = population.count
        for context in population {
            let before = current?.resolve(context)
            let after = next.resolve(context)
            for surface in after.surfaces {
                let old = before?.surface(surface.surface)?.level ?? .off
                guard old != surface.level else { continue }
                changes.append(
                    Change(
                        user: context.user, repo: context.repo ?? "", surface: surface.surface, from: old,
                        to: surface.level))
                for group in context.groups { byGroupAndSurface[group, default: [:]][surface.surface, default: 0] += 1 }
            }
            for surface in before?.surfaces ?? [] where after.surface(surface.surface) == nil && surface.level != .off {
                changes.append(
                    Change(
                        user: context.user, repo: context.repo ?? "", surface: surface.surface, from: surface.level,
                        to: .off))
                for group in context.groups { byGroupAndSurface[group, default: [:]][surface.surface, default: 0] += 1 }
            }
        }
        for event in events {
            var context = event.context
            context.surfaces = [event.surface]
            func level(under snapshot: PolicySnapshot?) -> Level {
                snapshot?.resolve(context).surface(event.surface)?.rules.first {
                    $0.pack == event.pack && $0.rule.id == event.ruleID
                }?.level
                    ?? .off
            }
            let old = level(under: current)
            switch level(under: next) {
            case .block where old != .block: newlyBlocked += event.count
            case .warn where old < .warn: newlyWarned += event.count
            default: break
            }
        }
    }

    /// The preview for people: totals, counts by group and surface, and some examples.
    public func lines(samples: Int = 10) -> [String] {
        var lines = [
            "impact on \(contexts) user × host × repository contexts seen in the last 7 days: \(changes.count) level changes"
        ]
        for group in byGroupAndSurface.keys.sorted() {
            for (surface, count) in byGroupAndSurface[group]!.sorted(by: { $0.key < $1.key }) {
                lines.append("  group \(group), \(surface): \(count)")
            }
        }
        lines += changes.prefix(samples).map {
            "  e.g. \($0.user) in \($0.repo.isEmpty ? "no repository" : $0.repo): \($0.surface) \($0.from) → \($0.to)"
        }
        lines.append("last week's events that would newly warn: \(newlyWarned), newly block: \(newlyBlocked)")
        return lines
    }
}
