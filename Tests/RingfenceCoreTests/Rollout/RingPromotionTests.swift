import Foundation
import Testing

@testable import RingfenceCore

/// Promotions laid over the files' ring mappings: they only raise, and the resolver sees them.
@Suite("Ring promotions")
struct RingPromotionTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("a promotion raises its group's mappings, adds one when there is none, never lowers")
    func overlay() {
        let mappings = [
            RingMapping(group: "web", ring: .audit, priority: 10), RingMapping(group: "ops", ring: .enforce),
        ]
        let promoted = RingPromotion.apply(
            [
                RingPromotion(group: "WEB", ring: .target, at: Self.now),
                RingPromotion(group: "ops", ring: .target, at: Self.now),
                RingPromotion(group: "data", ring: .target, at: Self.now),
            ], to: mappings)
        #expect(
            promoted == [
                RingMapping(group: "web", ring: .target, priority: 10), RingMapping(group: "ops", ring: .enforce),
                RingMapping(group: "data", ring: .target),
            ])
    }

    @Test("the resolver puts a promoted group's members in the promoted ring")
    func resolved() throws {
        let bundle = PolicyBundle(
            ringMappings: [RingMapping(group: "web", ring: .audit)],
            promotions: [RingPromotion(group: "web", ring: .target, at: Self.now)])
        let ring = try PolicySnapshot(bundle: bundle).resolve(
            DecisionContext(user: "w1", groups: ["web"], at: Self.now)
        )
        .ring
        #expect(ring == .target)
        var unpromoted = bundle
        unpromoted.promotions = []
        #expect(
            try PolicySnapshot(bundle: unpromoted).resolve(DecisionContext(user: "w1", groups: ["web"], at: Self.now))
                .ring == .audit)
    }
}
