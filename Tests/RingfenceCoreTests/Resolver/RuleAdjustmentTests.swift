import Foundation
import Testing

@testable import RingfenceCore

/// Rule 7b: exceptions (one user, one repository) and holds (one group) lower one rule,
/// within their window, and floors hold against them unless they allow exceptions.
@Suite("Resolver rule 7b: exceptions and holds")
struct RuleAdjustmentTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let shell = PackVersion(
        pack: "shell", version: 1,
        rules: [
            Rule(id: "RS-1", surface: .riskyShell, match: ["rm -rf /*"], level: .block, risk: .critical),
            Rule(id: "RS-2", surface: .riskyShell, match: ["curl * | sh"], level: .block, risk: .high),
            Rule(id: "RS-3", surface: .riskyShell, match: ["git push -f*"], level: .block, risk: .high),
        ])

    static func exception(
        _ rule: String, user: String = "bob", repo: String = "payments/api", hours: Double = 4
    ) -> RuleAdjustment {
        RuleAdjustment(
            id: "exception-1", kind: .exception, pack: "shell", rule: rule, level: .observe, user: user, repo: repo,
            validFrom: now.addingTimeInterval(-60), validUntil: now.addingTimeInterval(hours * 3600), actor: "carol",
            request: 1, reason: "migration")
    }

    func resolve(
        _ adjustments: [RuleAdjustment], floors: [RiskFloor] = [], user: String = "bob", repo: String? = "payments/api",
        groups: [String] = ["payments-eng"], at: Date = now
    ) throws -> Resolution {
        let bundle = PolicyBundle(
            packs: [Self.shell], assignments: [Assignment(id: "baseline", pack: "shell", priority: 10)],
            floors: floors, adjustments: adjustments)
        return try PolicySnapshot(bundle: bundle).resolve(
            DecisionContext(user: user, groups: groups, hostRing: .enforce, repo: repo, at: at))
    }

    func levels(_ resolution: Resolution) -> [String: Level] {
        Dictionary(uniqueKeysWithValues: (resolution.surface(.riskyShell)?.rules ?? []).map { ($0.rule.id, $0.level) })
    }

    @Test("an exception lowers its rule for its user in its repository only, until it ends")
    func exceptionScope() throws {
        let adjustments = [Self.exception("RS-2")]
        let granted = try resolve(adjustments)
        #expect(levels(granted) == ["RS-1": .block, "RS-2": .observe, "RS-3": .block])
        let rule = try #require(granted.surface(.riskyShell)?.rules.first { $0.rule.id == "RS-2" })
        #expect(rule.adjustment?.id == "exception-1" && rule.uncappedLevel == .observe)
        #expect(levels(try resolve(adjustments, user: "alice"))["RS-2"] == .block)
        #expect(levels(try resolve(adjustments, repo: "payments/web"))["RS-2"] == .block)
        #expect(levels(try resolve(adjustments, repo: nil))["RS-2"] == .block)
        #expect(levels(try resolve(adjustments, at: Self.now.addingTimeInterval(5 * 3600)))["RS-2"] == .block)
        // Names compare as the resolver compares them.
        #expect(levels(try resolve(adjustments, user: "BOB", repo: "Payments/API"))["RS-2"] == .observe)
    }

    @Test("the etag tells an exception apart, and returns when it ends")
    func etags() throws {
        let plain = try resolve([])
        let granted = try resolve([Self.exception("RS-2")])
        let later = try resolve([Self.exception("RS-2")], at: Self.now.addingTimeInterval(5 * 3600))
        let plainLater = try resolve([], at: Self.now.addingTimeInterval(5 * 3600))
        #expect(granted.etag != plain.etag)
        #expect(later.etag == plainLater.etag)
        #expect(try resolve([Self.exception("RS-3")]).etag != granted.etag)
    }

    @Test("a floor forbidding exceptions holds; one allowing them lets the exception through")
    func floors() throws {
        let forbidden = RiskFloor(risk: .high, level: .block, fromRing: .target, exceptions: .forbidden)
        let allowed = RiskFloor(risk: .high, level: .warn, fromRing: .target, exceptions: .allowed)
        #expect(levels(try resolve([Self.exception("RS-2")], floors: [forbidden]))["RS-2"] == .block)
        #expect(levels(try resolve([Self.exception("RS-2")], floors: [allowed]))["RS-2"] == .observe)
    }

    @Test("a hold caps its rule for the members of its group; floors hold against it")
    func holds() throws {
        let hold = RuleAdjustment(
            id: "hold-1", kind: .hold, pack: "shell", rule: "RS-3", level: .warn, group: "payments-eng",
            validFrom: Self.now.addingTimeInterval(-60), actor: "ringfence", reason: "blocks rose after the move")
        #expect(levels(try resolve([hold]))["RS-3"] == .warn)
        #expect(levels(try resolve([hold], groups: ["data-eng"]))["RS-3"] == .block)
        let floor = RiskFloor(risk: .high, level: .block, fromRing: .target, exceptions: .allowed)
        #expect(levels(try resolve([hold], floors: [floor]))["RS-3"] == .block)
    }

    @Test("an exception that removes the only rule at the top lowers the surface's level")
    func surfaceLevel() throws {
        let only = PolicyBundle(
            packs: [
                PackVersion(
                    pack: "shell", version: 1,
                    rules: [Rule(id: "RS-2", surface: .riskyShell, match: ["curl * | sh"], level: .block, risk: .high)])
            ], assignments: [Assignment(id: "baseline", pack: "shell", priority: 10)],
            adjustments: [Self.exception("RS-2")])
        let resolution = try PolicySnapshot(bundle: only).resolve(
            DecisionContext(user: "bob", hostRing: .enforce, repo: "payments/api", at: Self.now))
        #expect(resolution.surface(.riskyShell)?.level == .observe)
        #expect(resolution.surface(.riskyShell)?.uncappedLevel == .observe)
    }

    @Test("ill-formed adjustments are refused with a reason")
    func validation() {
        var open = Self.exception("RS-2")
        open.validUntil = nil
        var groupException = Self.exception("RS-2")
        groupException.group = "payments-eng"
        let problems = PolicyBundle(packs: [Self.shell], adjustments: [open, groupException]).validate().map(\.message)
        #expect(problems.contains("exception-1 is used twice"))
        #expect(problems.contains("exception exception-1 has no end"))
        #expect(problems.contains("exception exception-1 names a group; exceptions are for one user"))
    }
}
