/// Holds a provider's changes that remove too much at once — the SCIM counterpart of the
/// LDAP sync's deletion guard, for a provider whose scope was emptied by mistake (an
/// unassigned group, a broken scoping filter): more deactivations or deletions of users,
/// deletions of groups, or removals of members within `windowSeconds` than `maxCount`, or
/// — once there are more than `minimum` — than `maxShare` of what the provider has. A change
/// that would pass the limit is held for an operator (`ringfence scim held`, `release`,
/// `discard`) instead of applied. Pure.
public struct ScimBurstGuard: Sendable, Equatable {
    /// What is counted.
    public enum Kind: String, Sendable, CaseIterable {
        /// Users deactivated or deleted.
        case users
        /// Groups deleted.
        case groups
        /// Members removed from groups.
        case memberships
    }

    public var maxCount: Int
    public var maxShare: Double
    /// Removals up to this many are never held for their share alone.
    public var minimum: Int
    public var windowSeconds: Double

    public init(maxCount: Int = 500, maxShare: Double = 0.10, minimum: Int = 20, windowSeconds: Double = 3_600) {
        self.maxCount = maxCount
        self.maxShare = maxShare
        self.minimum = minimum
        self.windowSeconds = windowSeconds
    }

    /// Why a change removing `incoming` of `kind` is held, when `recent` were removed within
    /// the window and the provider has `population` of them; nil when it may be applied.
    public func hold(_ kind: Kind, incoming: Int, recent: Int, population: Int) -> String? {
        guard incoming > 0 else { return nil }
        let total = recent + incoming
        if total > maxCount {
            return
                "\(total) \(kind.rawValue) removed within \(Int(windowSeconds / 60)) minutes would pass the limit of \(maxCount)"
        }
        let share = population > 0 ? Double(total) / Double(population) : 1
        if total > minimum && share > maxShare {
            return
                "\(total) of \(population) \(kind.rawValue) (\(Int((share * 100).rounded())) %) removed within \(Int(windowSeconds / 60)) minutes would pass the limit of \(Int((maxShare * 100).rounded())) %"
        }
        return nil
    }
}
