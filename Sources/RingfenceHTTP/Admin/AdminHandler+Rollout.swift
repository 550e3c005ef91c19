import Foundation
import RingfenceAdminAPI
import RingfenceCore
import RingfenceServer
import RingfenceStore

/// The rollout plan in force: every step decided, its gates measured now (what
/// `ringfence rollout status` prints).
extension AdminHandler {
    public func getRolloutStatus(_ input: Operations.GetRolloutStatus.Input) async throws
        -> Operations.GetRolloutStatus.Output
    {
        guard let status = try await rollout.status(now: now(), measureAll: true) else {
            return .ok(.init(body: .json(.init(steps: []))))
        }
        let revision = try await policies.currentRevision()?.number
        return .ok(.init(body: .json(.init(revision: revision, steps: status.steps.map { .init($0) }))))
    }
}
