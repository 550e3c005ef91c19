import Foundation
import Logging
import NIOCore
import PostgresNIO
import RingfenceCore

/// Console sessions and sign-ins in PostgreSQL (migration 023), so that every replica
/// serves every session. Only hashes of session tokens are stored.
public struct ConsoleSessionStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "ringfence.console.sessions")) {
        self.client = client
        self.logger = logger
    }

    /// A live session.
    public struct Session: Sendable, Equatable {
        public var username: String
        public var role: AdminRole
        public var csrfToken: String
        public var expiresAt: Date
    }

    /// Stores a new session.
    public func create(
        tokenHash: [UInt8], username: String, role: AdminRole, csrfToken: String, idleSeconds: Int,
        lifetime: TimeInterval,
        now: Date = Date()
    ) async throws {
        try await client.query(
            """
            INSERT INTO console_sessions (token_hash, username, role, csrf_token, created_at, last_seen_at, idle_seconds, expires_at)
            VALUES (\(ByteBuffer(bytes: tokenHash)), \(username), \(role.rawValue), \(csrfToken), \(now), \(now),
                    \(idleSeconds), \(now.addingTimeInterval(lifetime)))
            """, logger: logger)
    }

    /// The session of a token hash, its idle time restarted; nil when there is none or it
    /// ended (idle too long, or past its expiry).
    public func session(tokenHash: [UInt8], now: Date = Date()) async throws -> Session? {
        let rows = try await client.query(
            """
            UPDATE console_sessions SET last_seen_at = \(now)
            WHERE token_hash = \(ByteBuffer(bytes: tokenHash)) AND expires_at > \(now)
              AND last_seen_at + make_interval(secs => idle_seconds) > \(now)
            RETURNING username, role, csrf_token, expires_at
            """, logger: logger)
        for try await (username, role, csrf, expires) in rows.decode((String, String, String, Date).self) {
            guard let role = AdminRole(rawValue: role) else { return nil }
            return Session(username: username, role: role, csrfToken: csrf, expiresAt: expires)
        }
        return nil
    }

    /// Ends a session (sign-out).
    public func delete(tokenHash: [UInt8]) async throws {
        try await client.query(
            "DELETE FROM console_sessions WHERE token_hash = \(ByteBuffer(bytes: tokenHash))", logger: logger)
    }

    /// Records a sign-in attempt: `signed-in`, `refused` (credentials) or `no-role`, by
    /// `password` (a directory bind) or `oidc`, with why it was refused when that is known.
    public func recordSignIn(
        username: String, address: String?, outcome: String, role: AdminRole?, method: String = "password",
        detail: String? = nil, now: Date = Date()
    ) async throws {
        try await client.query(
            """
            INSERT INTO console_sign_ins (at, username, address, outcome, role, method, detail)
            VALUES (\(now), \(username), \(address), \(outcome), \(role?.rawValue), \(method), \(detail))
            """, logger: logger)
    }
}
