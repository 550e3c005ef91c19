import Foundation
import GRPCCore
import Logging
import RingfenceAdapters
import RingfenceCore
import RingfenceProto
import RingfenceStore

extension AgentService {
    /// FetchPolicy: the effective policy of the request's context, resolved from the
    /// in-memory snapshot; `not_modified` when the agent's etag still holds; the trace
    /// and the agent's native files when asked for; the signed policy the hook decides
    /// from; and the same for each further repository asked for.
    public func fetchPolicy(request: ServerRequest<Ringfence_V1_FetchPolicyRequest>, context: ServerContext)
        async throws
        -> ServerResponse<Ringfence_V1_FetchPolicyResponse>
    {
        let caller = try AgentCaller.authenticated()
        let message = request.message
        try caller.requireHost(message.hostID)
        let requested = try message.context.validatedRequest()
        let repositories = try message.validatedRepositories()
        guard let snapshot = await dependencies.snapshots.current else {
            throw RPCError(
                code: .unavailable,
                message: "no policy is loaded yet (none published, or PostgreSQL not reached); retry")
        }
        let now = Date()
        let decision = try await facts.context(for: requested, hostID: caller.hostID, now: now)
        let resolution = snapshot.resolve(decision)
        dependencies.evidence.noteFetch(hostID: caller.hostID, at: now, etag: resolution.etag)
        var response = Ringfence_V1_FetchPolicyResponse()
        response.etag = resolution.etag
        response.ring = Int32(resolution.ring.number)
        response.revision = resolution.revision
        response.repositories = try repositories.map { wanted in
            var repository = decision
            repository.repo = wanted.repo
            return try repositoryPolicy(
                snapshot.resolve(repository), context: repository, ifNoneMatch: wanted.ifNoneMatch,
                hostID: caller.hostID, now: now)
        }
        guard
            let (traceID, signed) = try changedPolicy(
                resolution, context: decision, ifNoneMatch: message.ifNoneMatch, hostID: caller.hostID, now: now)
        else {
            response.notModified = true
            return ServerResponse(message: response)
        }
        response.traceID = traceID.uuidString.lowercased()
        response.surfaces = resolution.surfaces.map(\.proto)
        response.agentPolicy = Data(signed.policy)
        response.agentPolicySignature = Data(signed.signature)
        if message.includeTrace { response.trace = resolution.traceLines.map(\.proto) }
        if message.includeNativeConfig {
            response.nativeFiles = try await nativeFiles(
                for: resolution, agentKind: requested.agentKind, hostID: caller.hostID, now: now)
        }
        return ServerResponse(message: response)
    }

    /// One further repository's answer: "not modified", or its signed policy (stored as
    /// evidence like any resolution).
    func repositoryPolicy(
        _ resolution: Resolution, context: DecisionContext, ifNoneMatch: String, hostID: UUID, now: Date
    ) throws -> Ringfence_V1_RepositoryPolicy {
        var entry = Ringfence_V1_RepositoryPolicy()
        entry.repo = context.repo ?? ""
        entry.etag = resolution.etag
        entry.revision = resolution.revision
        guard
            let (_, signed) = try changedPolicy(
                resolution, context: context, ifNoneMatch: ifNoneMatch, hostID: hostID, now: now)
        else {
            entry.notModified = true
            return entry
        }
        entry.agentPolicy = Data(signed.policy)
        entry.agentPolicySignature = Data(signed.signature)
        return entry
    }

    /// nil when the agent's etag still holds ("not modified"); else the resolution noted as
    /// evidence (its trace id) and signed for the hook.
    func changedPolicy(
        _ resolution: Resolution, context: DecisionContext, ifNoneMatch: String, hostID: UUID, now: Date
    ) throws -> (traceID: UUID, signed: PolicySigner.Signed)? {
        if !ifNoneMatch.isEmpty && ifNoneMatch == resolution.etag { return nil }
        let traceID = noteResolution(resolution, context: context, hostID: hostID, now: now)
        return (traceID, try signatures.signed(resolution, now: now))
    }

    /// Queues the resolution for storage (`EvidenceRecorder`) and returns its trace id;
    /// the trace text is built only the first time this resolution is stored.
    func noteResolution(_ resolution: Resolution, context: DecisionContext, hostID: UUID, now: Date) -> UUID {
        let fingerprint = context.fingerprint
        let traceID = EvidenceRecorder.traceID(
            hostID: hostID, fingerprint: fingerprint, etag: resolution.etag,
            revision: resolution.revision)
        dependencies.evidence.noteResolution(
            id: traceID, hostID: hostID, resolution: resolution, fingerprint: fingerprint, at: now
        ) {
            TraceLine.json(resolution.traceLines)
        }
        return traceID
    }

    /// The agent's managed files rendered from a resolution, recorded as served to the
    /// host (for drift checks). A failure to record is logged, not the caller's problem:
    /// the host then keeps being compared with what it was served before.
    func nativeFiles(for resolution: Resolution, agentKind: String, hostID: UUID, now: Date) async throws
        -> [Ringfence_V1_NativeConfigFile]
    {
        guard let agent = AgentKind(name: agentKind) else {
            throw WireError(
                field: "context.agent_kind",
                problem: "must be one of "
                    + AgentKind.allCases.map(\.rawValue).joined(separator: ", ")
                    + " with include_native_config; got '\(agentKind.prefix(64))'")
        }
        let rendered = NativeAdapters.render(agent, policy: AgentPolicy(resolution), options: configuration.adapters)
        do {
            try await dependencies.fleet.recordServedNativeFiles(
                hostID: hostID, agentKind: agent.rawValue, files: rendered.files.map { ($0.name, $0.sha256) },
                etag: resolution.etag, at: now)
        } catch {
            logger.warning(
                "could not record the native files served", metadata: ["host": "\(hostID)", "error": "\(error)"])
        }
        return rendered.files.map { $0.proto(agent: agent) }
    }
}
