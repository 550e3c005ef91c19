import Foundation

extension PolicySnapshot {
    /// The ring a member of only `group` is in by the ring mappings (promotions included),
    /// as the resolver decides it (rule 2); nil when no mapping names the group.
    public func mappedRing(ofGroup group: String, at moment: Date) -> Ring? {
        let resolution = resolve(DecisionContext(user: "", groups: [group], surfaces: [], at: moment))
        if case .group = resolution.ringSource { return resolution.ring }
        return nil
    }
}
