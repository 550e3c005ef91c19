import Foundation
import Testing

@testable import RingfenceCore

@Suite("Exception request rules")
struct ExceptionRulesTests {
    static let policy = PolicyBundle(
        packs: [
            PackVersion(
                pack: "shell", version: 1,
                rules: [
                    Rule(id: "RS-1", surface: .riskyShell, match: ["rm -rf /*"], level: .block, risk: .critical),
                    Rule(id: "RS-2", surface: .riskyShell, match: ["curl * | sh"], level: .block, risk: .high),
                ], floors: [RiskFloor(risk: .high, level: .warn, fromRing: .enforce, exceptions: .allowed)])
        ], floors: [RiskFloor(risk: .critical, level: .block, fromRing: .target)])

    func check(
        rule: String = "RS-2", repo: String = "acme/infra", justification: String = "migrating the cluster",
        duration: TimeInterval = 3_600
    ) -> ExceptionRules.Refusal? {
        do {
            _ = try ExceptionRules.check(
                pack: "shell", rule: rule, repo: repo, justification: justification, duration: duration,
                policy: Self.policy)
            return nil
        } catch {
            return error
        }
    }

    @Test("a request names a rule of the policy whose floors allow exceptions, a slug, a reason and a sane duration")
    func requests() {
        #expect(check() == nil)
        #expect(check(rule: "RS-1") == .forbiddenByFloor(rule: "shell/RS-1", risk: .critical))
        #expect(check(rule: "RS-9") == .unknownRule(pack: "shell", rule: "RS-9"))
        #expect(check(repo: "infra") == .repository("infra"))
        #expect(check(repo: "acme//infra") == .repository("acme//infra"))
        #expect(check(justification: "  because  ") == .justification(count: 7))
        #expect(check(justification: String(repeating: "x", count: 2_001)) == .justification(count: 2_001))
        #expect(check(duration: 299) == .duration(299))
        #expect(check(duration: 31 * 86_400) == .duration(31 * 86_400))
    }

    @Test("deciders are approvers, never the requester, and only while pending")
    func deciders() throws {
        var request = ExceptionRequest(
            id: 7, requestedAt: Date(), requester: "Bob", pack: "shell", rule: "RS-2", repo: "acme/infra",
            justification: "migrating", duration: 3_600)
        let approvers: Set<String> = ["trent", "bob"]
        #expect(throws: ExceptionRules.Refusal.ownRequest(id: 7)) {
            try ExceptionRules.checkDecider("bob", of: request, approvers: approvers)
        }
        #expect(throws: ExceptionRules.Refusal.notApprover(user: "cora", id: 7)) {
            try ExceptionRules.checkDecider("cora", of: request, approvers: approvers)
        }
        try ExceptionRules.checkDecider("Trent", of: request, approvers: approvers)
        request.status = .denied
        #expect(throws: ExceptionRules.Refusal.notPending(id: 7, status: .denied)) {
            try ExceptionRules.checkDecider("trent", of: request, approvers: approvers)
        }
    }

    @Test("an approval's exception: the rule at observe for the requester in the repository, for the duration")
    func adjustment() {
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let request = ExceptionRequest(
            id: 7, requestedAt: at, requester: "bob", pack: "shell", rule: "RS-2", repo: "acme/infra",
            justification: "migrating the cluster", duration: 7_200)
        let adjustment = request.adjustment(approvedBy: "trent", at: at)
        #expect(adjustment.id == "exception-7" && adjustment.kind == .exception && adjustment.level == .observe)
        #expect(adjustment.user == "bob" && adjustment.repo == "acme/infra" && adjustment.request == 7)
        #expect(adjustment.validFrom == at && adjustment.validUntil == at.addingTimeInterval(7_200))
        #expect(adjustment.actor == "trent" && adjustment.problems.isEmpty)
    }
}
