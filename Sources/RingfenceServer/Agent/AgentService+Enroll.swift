import Foundation
import GRPCCore
import Logging
import RingfenceCore
import RingfenceProto
import RingfenceStore
import SwiftProtobuf

extension AgentService {
    /// Enroll: a one-time token and what the host states about itself → a host id and
    /// its first API key. Not authenticated by a key (the token is the credential);
    /// limited per client address.
    public func enroll(request: ServerRequest<Ringfence_V1_EnrollRequest>, context: ServerContext) async throws
        -> ServerResponse<Ringfence_V1_EnrollResponse>
    {
        if let wait = enrollLimiter.admit(Self.clientAddress(context.remotePeer)) {
            throw RPCError(
                code: .resourceExhausted, message: "too many enrolment attempts; \(RetryAfter.text(seconds: wait))")
        }
        guard let token = EnrollmentToken(parsing: request.message.enrollmentToken) else {
            throw RPCError(code: .unauthenticated, message: "malformed enrolment token: expected rfe_<43 characters>")
        }
        let host = try request.message.validatedHost()
        let key = APIKey.generate()
        let now = Date()
        let expires = now.addingTimeInterval(configuration.keyLifetime)
        let enrollment: Enrollment
        do {
            enrollment = try await dependencies.fleet.enroll(
                tokenHash: token.hash, host: host, keyPrefix: key.prefix, keyHash: key.hash, keyExpiresAt: expires,
                now: now)
        } catch FleetStore.EnrollmentError.invalidToken {
            throw RPCError(code: .unauthenticated, message: "the enrolment token is unknown, already used or expired")
        }
        logger.notice(
            "host enrolled",
            metadata: [
                "host": "\(enrollment.hostID)", "hostname": "\(host.hostname)", "key": "\(key.prefix)",
                "reenrolled": "\(enrollment.reenrolled)",
            ])
        var response = Ringfence_V1_EnrollResponse()
        response.hostID = enrollment.hostID.uuidString.lowercased()
        response.apiKey = key.text
        response.keyExpiresAt = Google_Protobuf_Timestamp(date: expires)
        response.ring = Int32(enrollment.ring?.number ?? 0)
        response.policySigningKey = Data(dependencies.signer.publicKey)
        return ServerResponse(message: response)
    }
}
