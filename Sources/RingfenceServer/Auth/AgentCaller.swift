import Foundation
import GRPCCore
import RingfenceProto

/// Who is calling: the host an agent key belongs to. Set by `AuthenticationInterceptor`
/// for the call's handler (`AgentCaller.current`).
public struct AgentCaller: Sendable, Equatable {
    /// The host the key is bound to.
    public var hostID: UUID
    /// The key's public prefix (safe to log).
    public var keyPrefix: String

    public init(hostID: UUID, keyPrefix: String) {
        self.hostID = hostID
        self.keyPrefix = keyPrefix
    }

    /// The authenticated caller of the running call.
    @TaskLocal public static var current: AgentCaller?

    /// The caller of the running call; INTERNAL when the method was served without the
    /// authentication interceptor (a wiring mistake, never the client's).
    public static func authenticated() throws(RPCError) -> AgentCaller {
        guard let current else {
            throw RPCError(
                code: .internalError, message: "this method is served without authentication; this is a server bug")
        }
        return current
    }

    /// Checks that a request names the caller's own host: an empty or malformed
    /// `host_id` is INVALID_ARGUMENT, another host's PERMISSION_DENIED.
    public func requireHost(_ requested: String) throws(RPCError) {
        let id: UUID
        do {
            id = try WireHostID.parse(requested)
        } catch {
            throw RPCError(error)
        }
        guard id == hostID else {
            throw RPCError(code: .permissionDenied, message: "this API key belongs to host \(hostID), not \(id)")
        }
    }
}
