import Testing

@testable import RingfenceCore

@Suite("PolicyDiff")
struct PolicyDiffTests {
    let pack = PackVersion(pack: "p", version: 1, rules: [Rule(id: "R", surface: .riskyShell, match: ["x"], level: .warn, risk: .low)])

    @Test("added, changed, removed assignments, new pack versions and mapping changes")
    func diff() {
        let current = PolicyBundle(packs: [pack], assignments: [Assignment(id: "a", pack: "p", priority: 1), Assignment(id: "b", pack: "p", priority: 1)])
        var pack2 = pack
        pack2.version = 2
        let next = PolicyBundle(packs: [pack, pack2],
                                assignments: [Assignment(id: "a", pack: "p", priority: 2), Assignment(id: "c", pack: "p", priority: 1)],
                                ringMappings: [RingMapping(group: "g", ring: .audit)])
        let diff = PolicyDiff(from: current, to: next)
        #expect(diff.lines == ["+ assignment c", "~ assignment a", "- assignment b", "+ pack version p@2", "~ ring/role mappings"])
        #expect(PolicyDiff(from: next, to: next).isEmpty)
        #expect(PolicyDiff(from: nil, to: current).added == ["a", "b"])
    }
}
