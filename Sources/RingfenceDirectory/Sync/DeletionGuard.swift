/// Refuses sync runs that would remove too much at once — the safety net for a wrong base
/// DN, an emptied OU or a broken filter (like the accidental-delete threshold of
/// Microsoft's directory sync).
///
/// A run is refused when, for users, groups or memberships, it would remove more than
/// `maxDeletions` objects **or** more than `maxShare` of what the database holds. Pure.
public struct DeletionGuard: Sendable, Equatable {
    /// Most objects of one kind a run may remove.
    public var maxDeletions: Int
    /// Largest share (0...1) of one kind a run may remove.
    public var maxShare: Double

    public init(maxDeletions: Int = 500, maxShare: Double = 0.10) {
        self.maxDeletions = maxDeletions
        self.maxShare = maxShare
    }

    /// One kind of object over the limit.
    public struct Violation: Sendable, Equatable, CustomStringConvertible {
        public var kind: String
        public var removing: Int
        public var total: Int
        /// Some of the names, for the message.
        public var sample: [String]

        public var description: String {
            let share = total > 0 ? Int((Double(removing) / Double(total) * 100).rounded()) : 100
            let names =
                sample.prefix(10).joined(separator: ", ") + (sample.count > 10 ? " and \(sample.count - 10) more" : "")
            return "would remove \(removing) of \(total) \(kind) (\(share) %): \(names)"
        }
    }

    /// The violations of a plan (empty when it may be applied).
    public func violations(of plan: SyncPlan) -> [Violation] {
        let summary = plan.summary
        let kinds: [(String, Int, Int, [String])] = [
            ("users", summary.usersRemoved, summary.usersBefore, plan.removedUsers),
            ("groups", summary.groupsRemoved, summary.groupsBefore, plan.removedGroups),
            ("memberships", summary.membershipsRemoved, summary.membershipsBefore, plan.removedMemberships),
        ]
        return kinds.compactMap { kind, removing, total, sample in
            guard removing > 0 else { return nil }
            let share = total > 0 ? Double(removing) / Double(total) : 1
            guard removing > maxDeletions || share > maxShare else { return nil }
            return Violation(kind: kind, removing: removing, total: total, sample: sample)
        }
    }
}
