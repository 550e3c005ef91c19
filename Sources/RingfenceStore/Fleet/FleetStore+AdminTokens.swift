import Foundation
import Logging
import NIOCore
import PostgresNIO
import RingfenceCore

/// Admin API tokens (docs/admin-api.md "Tokens"): admin keys with a role, the person or
/// automation they speak for (`label`, recorded as actor) and who made them. Only hashes
/// are stored.
extension FleetStore {
    /// One admin token as a listing shows it: no hash, no secret.
    public struct AdminToken: Sendable, Equatable {
        public var id: Int64
        public var prefix: String
        public var label: String
        public var role: AdminRole
        public var createdAt: Date
        public var expiresAt: Date
        public var revokedAt: Date?
        public var createdBy: String?
    }

    /// Stores an admin token; returns its listing.
    @discardableResult
    public func createAdminKey(
        prefix: String, hash: [UInt8], label: String, role: AdminRole = .admin, createdBy: String? = nil,
        expiresAt: Date, now: Date = Date()
    ) async throws -> AdminToken {
        let rows = try await client.query(
            """
            INSERT INTO api_keys (key_prefix, key_hash, kind, label, role, created_by, created_at, expires_at)
            VALUES (\(prefix), \(ByteBuffer(bytes: hash)), 'admin', \(label), \(role.rawValue), \(createdBy), \(now),
                    \(expiresAt))
            RETURNING id
            """, logger: logger)
        var id: Int64 = 0
        for try await value in rows.decode(Int64.self) { id = value }
        return AdminToken(
            id: id, prefix: prefix, label: label, role: role, createdAt: now, expiresAt: expiresAt, revokedAt: nil,
            createdBy: createdBy)
    }

    /// Admin tokens, newest first (by id; with `before`, those made before that one),
    /// revoked and expired ones too; and whether more follow.
    public func adminTokens(before: Int64?, limit: Int) async throws -> (tokens: [AdminToken], more: Bool) {
        let rows = try await client.query(
            """
            SELECT id, key_prefix, label, role, created_at, expires_at, revoked_at, created_by FROM api_keys
            WHERE kind = 'admin'
              AND (\(before)::bigint IS NULL OR id < \(before))
            ORDER BY id DESC
            LIMIT \(limit + 1)
            """, logger: logger)
        var tokens: [AdminToken] = []
        for try await (id, prefix, label, role, created, expires, revoked, by) in rows.decode(
            (Int64, String, String, String, Date, Date, Date?, String?).self)
        {
            // A role this build does not know is not listed as one it does.
            guard let role = AdminRole(rawValue: role) else { continue }
            tokens.append(
                AdminToken(
                    id: id, prefix: prefix, label: label, role: role, createdAt: created, expiresAt: expires,
                    revokedAt: revoked, createdBy: by))
        }
        let more = tokens.count > limit
        if more { tokens.removeLast() }
        return (tokens, more)
    }

    /// Revokes an active admin token by prefix; returns whether one was revoked.
    public func revokeAdminKey(prefix: String, now: Date = Date()) async throws -> Bool {
        let rows = try await client.query(
            """
            UPDATE api_keys SET revoked_at = \(now)
            WHERE key_prefix = \(prefix) AND kind = 'admin' AND revoked_at IS NULL RETURNING 1
            """, logger: logger)
        var count = 0
        for try await _ in rows.decode(Int.self) { count += 1 }
        return count > 0
    }
}
