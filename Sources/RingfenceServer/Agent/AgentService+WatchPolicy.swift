import CoreMetrics
import GRPCCore
import RingfenceCore
import RingfenceProto
import ServiceLifecycle

extension AgentService {
    /// WatchPolicy: the revision in force at once, then each newer one as the snapshot
    /// cache installs it; ends when the server shuts down or the client leaves. A host
    /// may hold `WatchLimiter.perHost` streams at once.
    public func watchPolicy(
        request: ServerRequest<Ringfence_V1_WatchPolicyRequest>, context: ServerContext
    ) async throws -> StreamingServerResponse<Ringfence_V1_PolicyAnnouncement> {
        let caller = try AgentCaller.authenticated()
        try caller.requireHost(request.message.hostID)
        let (snapshots, watches, metrics) = (dependencies.snapshots, watches, dependencies.metrics)
        guard watches.acquire(caller.hostID) else {
            throw RPCError(
                code: .resourceExhausted,
                message: "this host already holds \(watches.perHost) WatchPolicy streams; close one first")
        }
        metrics.watchStreams.record(watches.count)
        return StreamingServerResponse { writer in
            defer {
                watches.release(caller.hostID)
                metrics.watchStreams.record(watches.count)
            }
            // gRPC tells a handler that its client left (or the server is stopping) through
            // the RPC's cancellation handle, not by cancelling its task: race the two.
            let cancellation = context.cancellation
            do {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        var announced: Int64 = 0
                        while let snapshot = await snapshots.snapshot(atLeast: announced + 1) {
                            var announcement = Ringfence_V1_PolicyAnnouncement()
                            announcement.revision = snapshot.revision
                            try await writer.write(announcement)
                            announced = snapshot.revision
                        }
                    }
                    group.addTask { try await cancellation.cancelled }
                    group.addTask { try await gracefulShutdown() }
                    try await group.next()
                    group.cancelAll()
                }
            } catch is CancellationError {
                // The client left, or the server is stopping: the stream simply ends.
            }
            return [:]
        }
    }
}
