import Foundation
import RingfenceCore
import RingfenceFiles
import Testing

@testable import RingfenceAdapters

/// The same user moved to a higher ring gets a stricter resolution; its native files are
/// never looser — checked on the example policy through the real resolver.
@Suite("Adapters: a higher ring never renders a looser file")
struct RingMonotonicityTests {
    static let snapshot: PolicySnapshot = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
        return try! PolicySnapshot(
            bundle: try! PolicyFiles.load(directory: root.appendingPathComponent("examples/policy")).bundle)
    }()

    static let contexts: [DecisionContext] = [
        DecisionContext(user: "alice", groups: ["engineering"], agent: "claude-code", at: Date()),
        DecisionContext(
            user: "bob", groups: ["engineering", "ai-pilot"], repo: "payments/api", trust: .production,
            agent: "claude-code", at: Date()),
        DecisionContext(
            user: "carol", groups: ["contractors"], roles: ["contractor"], repo: "sandbox/x", trust: .sandbox,
            agent: "cursor", at: Date()),
        DecisionContext(user: "dave", groups: ["security"], roles: ["admin"], agent: "claude-code", at: Date()),
    ]

    @Test("deny grows and ask stays within ask ∪ deny from ring 1 to 4", arguments: contexts)
    func rings(context: DecisionContext) throws {
        var previous: (deny: Set<String>, ask: Set<String>)?
        for ring in Ring.allCases.sorted() {
            var ringContext = context
            ringContext.hostRing = ring
            let file = ClaudeCodeAdapter.render(
                AgentPolicy(Self.snapshot.resolve(ringContext)), options: AdapterOptions()
            ).files[0]
            let object = try #require(try JSONSerialization.jsonObject(with: Data(file.content.utf8)) as? [String: Any])
            let permissions = try #require(object["permissions"] as? [String: Any]).compactMapValues { $0 as? [String] }
            let current = (deny: Set(permissions["deny"] ?? []), ask: Set(permissions["ask"] ?? []))
            if let previous {
                #expect(previous.deny.isSubset(of: current.deny), "\(context.user) ring \(ring)")
                #expect(previous.ask.isSubset(of: current.deny.union(current.ask)), "\(context.user) ring \(ring)")
            }
            previous = current
        }
        #expect(!(previous?.deny.isEmpty ?? true), "ring 4 denies something for \(context.user)")
    }
}
