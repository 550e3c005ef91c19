/// Which rules to hold after a promotion (docs/operations.md, "Automatic holds"): pure,
/// from each rule's blocks since the promotion and its block candidates in the window
/// before it, both per active person-day of the group.
public enum AutomaticHold {
    /// One rule's activity among a group's members around a promotion.
    public struct RuleActivity: Sendable, Hashable {
        public var pack: String
        public var rule: String
        /// `block` events since the promotion.
        public var blocksAfter: Int
        /// `block-candidate` events in the window before it.
        public var candidatesBefore: Int

        public init(pack: String, rule: String, blocksAfter: Int, candidatesBefore: Int) {
            self.pack = pack
            self.rule = rule
            self.blocksAfter = blocksAfter
            self.candidatesBefore = candidatesBefore
        }
    }

    /// A rule to hold and why, in words.
    public struct Verdict: Sendable, Hashable {
        public var activity: RuleActivity
        public var reason: String
    }

    /// The rules whose blocks per active person-day since the promotion exceed `rise` times
    /// their candidates per active person-day before it, with at least `minimumBlocks`
    /// blocks; by pack and rule. Person-day counts of 0 count as 1.
    public static func rulesToHold(
        _ activity: [RuleActivity], personDaysAfter: Int, personDaysBefore: Int, policy: RolloutPlan.HoldPolicy
    ) -> [Verdict] {
        let after = Double(max(1, personDaysAfter))
        let before = Double(max(1, personDaysBefore))
        return activity.filter { rule in
            rule.blocksAfter >= policy.minimumBlocks
                && Double(rule.blocksAfter) / after > policy.rise * Double(rule.candidatesBefore) / before
        }
        .sorted { ($0.pack, $0.rule) < ($1.pack, $1.rule) }
        .map { rule in
            Verdict(
                activity: rule,
                reason:
                    "\(rule.blocksAfter) blocks over \(personDaysAfter) active person-days since the promotion (\(RolloutGates.decimal(Double(rule.blocksAfter) / after)) a person-day) against \(rule.candidatesBefore) block candidates over \(personDaysBefore) before it (\(RolloutGates.decimal(Double(rule.candidatesBefore) / before))); more than \(RolloutGates.decimal(policy.rise))×"
            )
        }
    }
}
