import Foundation
import NIOCore
import PostgresNIO

extension ConsoleSessionStore {
    /// An OpenID Connect sign-in between the redirect to the provider and the return.
    public struct OIDCFlow: Sendable, Equatable {
        public var nonce: String
        public var verifier: String

        public init(nonce: String, verifier: String) {
            self.nonce = nonce
            self.verifier = verifier
        }
    }

    /// Keeps a started sign-in under the hash of its state; forgets ones that ended unused.
    public func beginOIDC(stateHash: [UInt8], flow: OIDCFlow, lifetime: TimeInterval = 600, now: Date = Date())
        async throws
    {
        try await client.query("DELETE FROM console_oidc_flows WHERE expires_at <= \(now)", logger: logger)
        try await client.query(
            """
            INSERT INTO console_oidc_flows (state_hash, nonce, verifier, created_at, expires_at)
            VALUES (\(ByteBuffer(bytes: stateHash)), \(flow.nonce), \(flow.verifier), \(now), \(now.addingTimeInterval(lifetime)))
            """, logger: logger)
    }

    /// Takes the sign-in of a state: it can be finished once. Nil when unknown or expired.
    public func takeOIDC(stateHash: [UInt8], now: Date = Date()) async throws -> OIDCFlow? {
        let rows = try await client.query(
            """
            DELETE FROM console_oidc_flows WHERE state_hash = \(ByteBuffer(bytes: stateHash))
            RETURNING nonce, verifier, expires_at
            """, logger: logger)
        for try await (nonce, verifier, expires) in rows.decode((String, String, Date).self) {
            return expires > now ? OIDCFlow(nonce: nonce, verifier: verifier) : nil
        }
        return nil
    }
}
