import Foundation
import GRPCCore
import Logging
import RingfenceAdapters
import RingfenceCore
import RingfenceProto
import RingfenceStore
import SwiftProtobuf

extension AgentService {
    /// Heartbeat: the host's inventory replaces the stored one, changes are kept in
    /// `host_changes`, managed files that differ from what was served mark the host
    /// drifted; the answer says when to come back and the policy revision in force.
    public func heartbeat(request: ServerRequest<Ringfence_V1_HeartbeatRequest>, context: ServerContext) async throws
        -> ServerResponse<Ringfence_V1_HeartbeatResponse>
    {
        let caller = try AgentCaller.authenticated()
        try caller.requireHost(request.message.hostID)
        let now = Date()
        let inventory = try request.message.inventory.validated(now: now)
        let drifted = try await driftedFiles(hostID: caller.hostID, inventory: inventory)
        let changes = try await dependencies.fleet.recordHeartbeat(
            hostID: caller.hostID, inventory: inventory, drifted: drifted, at: now)
        if !changes.isEmpty {
            logger.info(
                "host inventory changed",
                metadata: [
                    "host": "\(caller.hostID)",
                    "changes": "\(changes.map { "\($0.field): \($0.oldValue ?? "-") → \($0.newValue ?? "-")" })",
                ])
        }
        var response = Ringfence_V1_HeartbeatResponse()
        response.serverTime = Google_Protobuf_Timestamp(date: now)
        response.nextHeartbeatSeconds = Int32(configuration.heartbeatSeconds)
        response.policyRevision = await dependencies.snapshots.current?.revision ?? 0
        response.policySigningKey = Data(dependencies.signer.publicKey)
        return ServerResponse(message: response)
    }

    /// The host's managed files that differ from what FetchPolicy last served it; no
    /// lookup when no agent reports its files.
    func driftedFiles(hostID: UUID, inventory: HostInventory) async throws -> [String] {
        let reports = inventory.agents.filter { !$0.managedConfigHash.isEmpty || !$0.managedFiles.isEmpty }
            .map {
                DriftCheck.Report(
                    agent: $0.kind, digest: $0.managedConfigHash, files: $0.managedFiles,
                    precedenceSources: $0.precedenceSources)
            }
        guard !reports.isEmpty else { return [] }
        let served = try await dependencies.fleet.servedNativeFiles(hostID: hostID)
        let check = DriftCheck(served: served.mapValues { files in ManagedFiles(files.map { ($0.key, $0.value) }) })
        return check.drifted(reports)
    }
}
