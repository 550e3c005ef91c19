/// Member values that name no synced user or group: counted by attribute, the first
/// ``UnresolvedMembers/namedLimit`` named, so a sync never loses memberships silently.
public struct UnresolvedMembers: Sendable, Equatable {
    /// How many values are named in warnings and `sync_runs`.
    public static let namedLimit = 20

    /// Every unresolved value, by attribute (`member`, `uniqueMember`, `memberUid`, `memberOf`, `invalid`).
    public private(set) var byAttribute: [String: Int] = [:]
    /// The first values, as `value (attribute of group)`.
    public private(set) var named: [String] = []

    public var count: Int { byAttribute.values.reduce(0, +) }

    public init() {}

    mutating func add(
        _ value: String, attribute: String?, group: String?, user: String? = nil, reason: String? = nil
    ) {
        byAttribute[attribute ?? "invalid", default: 0] += 1
        guard named.count < Self.namedLimit else { return }
        let owner = group.map { "group \($0)" } ?? user.map { "user \($0)" } ?? "?"
        if let reason {
            named.append("\(value) in \(owner): \(reason)")
        } else {
            named.append("\(value) (\(attribute ?? "?") of \(owner))")
        }
    }

    /// The run's warning, or nil when every value resolved.
    public var warning: String? {
        guard count > 0 else { return nil }
        let attributes = byAttribute.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        let more = count > named.count ? "; first \(named.count)" : ""
        return
            "\(count) member values match no synced user or group (\(attributes))\(more): "
            + named.joined(separator: "; ")
    }
}
