import Foundation
import RingfenceAdapters
import RingfenceProto
import RingfenceWorkstation

extension WorkstationCache {
    /// Stores the signed policy of a FetchPolicy answer for the hook.
    @discardableResult
    public func storePolicy(_ response: Ringfence_V1_FetchPolicyResponse, repository slug: String? = nil) throws
        -> AgentPolicy
    {
        guard !response.agentPolicy.isEmpty else {
            throw WorkstationError("the server sent no signed policy (is it older than this workstation?)")
        }
        return try storePolicy(
            signed: Array(response.agentPolicy), signature: Array(response.agentPolicySignature), repository: slug)
    }
}
