import Foundation
import RingfenceAdminAPI
import RingfenceCore
import RingfenceServer
import RingfenceStore

/// The rollout plan in force: every step decided, its gates measured (what `ringfence
/// rollout status` prints) — at most every `rolloutSeconds` on a replica for one revision
/// (a publish measures again at once); `asOf` says when.
extension AdminHandler {
    public func getRolloutStatus(_ input: Operations.GetRolloutStatus.Input) async throws
        -> Operations.GetRolloutStatus.Output
    {
        let moment = now()
        let revision = try await policies.currentRevision()?.number
        let status = try await rolloutStatus.value(for: revision ?? 0, now: moment) {
            guard let status = try await rollout.status(now: moment, measureAll: true) else {
                return Components.Schemas.RolloutStatus(asOf: moment, steps: [])
            }
            return .init(asOf: moment, revision: revision, steps: status.steps.map { .init($0) })
        }
        return .ok(.init(body: .json(status)))
    }
}
