import GRPCCore
import RingfenceProto

/// The standard gRPC health service (`grpc.health.v1.Health/Check`).
///
/// The server as a whole (service "") is SERVING while it runs; the agent service is
/// SERVING once a policy snapshot is loaded (before that, FetchPolicy cannot answer) and
/// NOT_SERVING until then. Any other service name is NOT_FOUND, as the protocol asks.
public struct HealthService: Grpc_Health_V1_Health.SimpleServiceProtocol {
    let snapshots: PolicySnapshotCache

    public init(snapshots: PolicySnapshotCache) {
        self.snapshots = snapshots
    }

    public func check(request: Grpc_Health_V1_HealthCheckRequest, context: ServerContext) async throws
        -> Grpc_Health_V1_HealthCheckResponse
    {
        var response = Grpc_Health_V1_HealthCheckResponse()
        switch request.service {
        case "":
            response.status = .serving
        case Ringfence_V1_AgentService.descriptor.fullyQualifiedService:
            response.status = await snapshots.current == nil ? .notServing : .serving
        default:
            throw RPCError(code: .notFound, message: "unknown service '\(request.service.prefix(128))'")
        }
        return response
    }
}
