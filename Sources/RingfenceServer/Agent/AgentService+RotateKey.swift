import Foundation
import GRPCCore
import Logging
import RingfenceCore
import RingfenceProto
import RingfenceStore
import SwiftProtobuf

extension AgentService {
    /// RotateKey: a new key for the caller's host; the presented one stays valid for the
    /// overlap window (`server.rotationOverlap`) so a host that did not get the answer can
    /// try again.
    public func rotateKey(request: ServerRequest<Ringfence_V1_RotateKeyRequest>, context: ServerContext) async throws
        -> ServerResponse<Ringfence_V1_RotateKeyResponse>
    {
        let caller = try AgentCaller.authenticated()
        try caller.requireHost(request.message.hostID)
        let key = APIKey.generate()
        let now = Date()
        let expires = now.addingTimeInterval(configuration.keyLifetime)
        let previousUntil = try await dependencies.fleet.rotateKey(
            hostID: caller.hostID, presentedPrefix: caller.keyPrefix, newPrefix: key.prefix, newHash: key.hash,
            expiresAt: expires,
            previousValidUntil: now.addingTimeInterval(configuration.rotationOverlap), now: now)
        authenticator.forget(prefix: caller.keyPrefix)
        logger.notice(
            "API key rotated",
            metadata: ["host": "\(caller.hostID)", "old": "\(caller.keyPrefix)", "new": "\(key.prefix)"])
        var response = Ringfence_V1_RotateKeyResponse()
        response.apiKey = key.text
        response.expiresAt = Google_Protobuf_Timestamp(date: expires)
        response.previousKeyValidUntil = Google_Protobuf_Timestamp(date: previousUntil)
        return ServerResponse(message: response)
    }
}
