import Foundation
import Hummingbird
import RingfenceAdminAPI
import RingfenceCore

/// The rollout in the console: every step of the plan in force with its decision and
/// each gate measured now, and the same status on the control board.
extension ConsoleRoutes {
    func rollout(_ principal: AdminPrincipal, _ csrf: String) async throws -> Response {
        try Self.require(principal, "getRolloutStatus")
        let status = try await handler.getRolloutStatus(.init()).ok.body.json
        var values = layout(principal, csrf, title: "Rollout")
        values["revision"] = status.revision.map(String.init) as Any
        values["asOf"] = Self.time(status.asOf)
        values["steps"] = status.steps.map { step -> [String: Any] in
            [
                "group": step.group, "path": Self.pathComponent(step.group), "target": step.targetRing,
                "ring": step.ring, "after": step.after.map { Self.time($0) } ?? "now",
                "decision": step.decision.rawValue, "summary": step.summary ?? "",
                "gates": step.gates.map { ["gate": $0.gate, "passed": $0.passed, "detail": $0.detail] },
                "measured": step.measured.map(Self.signals) as Any,
            ]
        }
        return ConsoleResponse.page(templates.render("rollout", values))
    }

    /// What the board and the rollout page show of a group's measurements.
    static func signals(_ measured: Components.Schemas.GateMeasurements) -> [String: Any] {
        func share(_ part: Int, _ whole: Int) -> String {
            whole == 0 ? "–" : "\(Int((Double(part) / Double(whole) * 100).rounded())) %"
        }
        return [
            "coverage": share(measured.membersConnected, measured.members),
            "hooked": share(measured.hostsHooked, measured.hostsConnected),
            "candidates": measured.blockCandidates, "openExceptions": measured.openExceptions,
            "noisiest": measured.noisiestRule ?? "",
        ]
    }

    /// Each group's next step of the rollout, by group name (lowercased); empty for those
    /// who may not read the rollout.
    func nextSteps(for principal: AdminPrincipal) async throws -> [String: Components.Schemas.RolloutStep] {
        guard AdminOperationPermissions.allows(principal.role, "getRolloutStatus") else { return [:] }
        let status = try await handler.getRolloutStatus(.init()).ok.body.json
        var steps: [String: Components.Schemas.RolloutStep] = [:]
        for step in status.steps where step.decision != .done {
            let key = step.group.lowercased()
            if steps[key] == nil { steps[key] = step }
        }
        return steps
    }
}
