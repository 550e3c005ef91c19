import Foundation
import RingfenceAdminAPI
import RingfenceCore
import RingfenceServer

// Exception requests, the rollout's steps and weekly reports as the admin API's documents.
// Pure mapping.

extension Components.Schemas.ExceptionRequest {
    init(_ request: ExceptionRequest) {
        self.init(
            id: request.id, requestedAt: request.requestedAt, requester: request.requester,
            host: request.host?.uuidString.lowercased(), pack: request.pack, rule: request.rule, repo: request.repo,
            justification: request.justification, durationSeconds: Int(request.duration),
            status: .init(rawValue: request.status.rawValue) ?? .pending, decidedBy: request.decidedBy,
            decidedAt: request.decidedAt, comment: request.comment, revision: request.revision,
            validUntil: request.validUntil)
    }
}

extension Components.Schemas.RolloutStep {
    init(_ status: RolloutRound.StepStatus) {
        let decision: DecisionPayload =
            switch status.decision {
            case .done: .done
            case .waiting: .waiting
            case .afterEarlierStep: .afterEarlierStep
            case .promote: .promote
            case .hold: .hold
            }
        self.init(
            group: status.step.group, targetRing: status.step.ring.number, ring: status.ring.number,
            after: status.step.after, decision: decision, summary: status.decision.summary,
            gates: status.results.map { .init(gate: $0.gate, passed: $0.passed, detail: $0.detail) },
            measured: status.measured.map(Components.Schemas.GateMeasurements.init))
    }
}

extension Components.Schemas.GateMeasurements {
    init(_ measured: GateMeasurements) {
        self.init(
            members: measured.members, membersConnected: measured.membersConnected,
            hostsConnected: measured.hostsConnected, hostsHooked: measured.hostsHooked,
            activePersonDays: measured.activePersonDays, blockCandidates: measured.blockCandidates,
            noisiestRule: measured.noisiestRule.map { "\($0.pack)/\($0.rule)" }, openExceptions: measured.openExceptions
        )
    }
}

extension Components.Schemas.WeekReport {
    init(_ report: GroupWeekReport) {
        self.init(
            week: report.week, ring: report.ring, asOf: report.asOf, members: report.coverage.members,
            missingMembers: report.coverage.missingMembers, hostsConnected: report.coverage.hostsConnected,
            hostsStale: report.coverage.hostsStale, hostsSilent: report.coverage.hostsSilent,
            hostsDrifted: report.coverage.hostsDrifted, events: report.volume.total,
            blockCandidates: report.volume.count(verdict: Verdict.blockCandidate.rawValue),
            newlyWarned: report.nextRing?.newlyWarned, newlyBlocked: report.nextRing?.newlyBlocked,
            noisyRules: report.noisyRules.map {
                .init(
                    rule: "\($0.pack)/\($0.ruleID)", surface: $0.surface, candidates: $0.candidates,
                    usersHit: $0.usersHit)
            },
            missingMemberNames: report.names?.missingMembers ?? [],
            memberRings: report.names.map { .init(additionalProperties: $0.memberRings) })
    }
}
