import Foundation

/// A group moved up to a ring by the rollout service (docs/operations.md): part of a
/// policy revision, kept by later publishes like exceptions and holds, and laid over the
/// ring mappings the files say (a promotion only raises: the group's ring is the higher
/// of the two).
public struct RingPromotion: Sendable, Hashable, Codable {
    /// The directory group.
    public var group: String
    /// The ring it was moved to.
    public var ring: Ring
    /// When.
    public var at: Date
    /// Who moved it (`ringfence` for the service).
    public var actor: String

    /// Creates a promotion.
    public init(group: String, ring: Ring, at: Date, actor: String = "ringfence") {
        self.group = group
        self.ring = ring
        self.at = at
        self.actor = actor
    }

    /// `mappings` with `promotions` laid over: a promoted group's mappings take the
    /// promoted ring when it is higher; a promoted group without a mapping gets one
    /// (priority 0).
    public static func apply(_ promotions: [RingPromotion], to mappings: [RingMapping]) -> [RingMapping] {
        var result = mappings
        for promotion in promotions {
            var found = false
            for index in result.indices where result[index].group.lowercased() == promotion.group.lowercased() {
                found = true
                if result[index].ring < promotion.ring { result[index].ring = promotion.ring }
            }
            if !found { result.append(RingMapping(group: promotion.group, ring: promotion.ring)) }
        }
        return result
    }
}
