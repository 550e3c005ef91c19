/// Rebuilds a set as it was at an earlier moment from the set now and the changes
/// recorded since (`membership_history`, `role_history`): pure.
///
/// For each element, the oldest change after the moment says what it was then: an
/// element *added* after the moment was absent, one *removed* after it was present;
/// elements no change touched are as they are now. Repeated changes of one element
/// (removed, added again, …) therefore replay correctly, and so does a writer that
/// removes and re-adds an element in one transaction.
public enum HistoryReplay {
    /// One recorded change of a set.
    public struct Change<Element: Hashable & Sendable>: Sendable, Hashable {
        public var element: Element
        public var added: Bool

        public init(_ element: Element, added: Bool) {
            self.element = element
            self.added = added
        }
    }

    /// The set before `changes` — those recorded after the moment, oldest first.
    public static func before<Element>(current: Set<Element>, changes: [Change<Element>]) -> Set<Element> {
        var result = current
        var decided: Set<Element> = []
        for change in changes where decided.insert(change.element).inserted {
            if change.added {
                result.remove(change.element)
            } else {
                result.insert(change.element)
            }
        }
        return result
    }
}
