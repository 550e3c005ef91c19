import Foundation
import Testing

@testable import RingfenceCore

@Suite("ImpactPreview")
struct ImpactPreviewTests {
    static let at = Date(timeIntervalSince1970: 1_800_000_000)

    static func bundle(level: Level, description: String = "") -> PolicyBundle {
        let pack = PackVersion(
            pack: "p", version: 1, description: description,
            rules: [Rule(id: "R", surface: .riskyShell, match: ["rm -rf *"], level: level, risk: .high)])
        return PolicyBundle(packs: [pack], assignments: [Assignment(id: "all", pack: "p", priority: 1)])
    }

    static let context = DecisionContext(
        user: "alice", groups: ["eng"], hostRing: .enforce, repo: "payments/api", agent: "claude-code", at: at)

    /// Events recorded as `pass` under an older policy, for a rule that blocks today.
    static let events = [
        ImpactPreview.ObservedEvents(
            context: context, pack: "p", ruleID: "R", surface: .riskyShell, verdict: .pass,
            count: 874)
    ]

    @Test("a description-only edit changes nothing: no level changes, no newly warned or blocked events")
    func descriptionOnly() throws {
        let current = try PolicySnapshot(bundle: Self.bundle(level: .block))
        let next = try PolicySnapshot(bundle: Self.bundle(level: .block, description: "clearer words"))
        let preview = ImpactPreview(population: [Self.context], events: Self.events, current: current, next: next)
        #expect(preview.changes.isEmpty)
        #expect(preview.newlyBlocked == 0)
        #expect(preview.newlyWarned == 0)
    }

    @Test("raising a rule from warn to block counts its events as newly blocked; lowering counts nothing")
    func raising() throws {
        let warn = try PolicySnapshot(bundle: Self.bundle(level: .warn))
        let block = try PolicySnapshot(bundle: Self.bundle(level: .block))
        let up = ImpactPreview(population: [Self.context], events: Self.events, current: warn, next: block)
        #expect(up.newlyBlocked == 874)
        #expect(up.newlyWarned == 0)
        #expect(up.changes.map { "\($0.from)→\($0.to)" } == ["warn→block"])
        let down = ImpactPreview(population: [Self.context], events: Self.events, current: block, next: warn)
        #expect(down.newlyBlocked == 0)
        #expect(down.newlyWarned == 0)
        let first = ImpactPreview(population: [Self.context], events: Self.events, current: nil, next: warn)
        #expect(first.newlyWarned == 874)
    }
}
