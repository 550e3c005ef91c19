import Foundation
import Logging
import NIOCore
import PostgresNIO
import RingfenceCore

/// API keys: lookup by prefix, rotation, revocation, listing. Only hashes are stored.
extension FleetStore {
    // MARK: API keys

    /// The stored key with this public prefix, if any.
    public func apiKey(prefix: String) async throws -> StoredAPIKey? {
        let rows = try await client.query(
            """
            SELECT k.key_prefix, k.key_hash, k.kind, k.host_id, k.expires_at, k.revoked_at, h.retired_at IS NOT NULL,
                k.label, k.role
            FROM api_keys k LEFT JOIN hosts h ON h.id = k.host_id WHERE k.key_prefix = \(prefix)
            """, logger: logger)
        for try await (prefix, hash, kind, host, expires, revoked, retired, label, role)
            in rows.decode((String, ByteBuffer, String, UUID?, Date, Date?, Bool, String?, String?).self)
        {
            // A kind this build does not know authenticates as nothing.
            guard let kind = StoredAPIKey.Kind(rawValue: kind) else { return nil }
            return StoredAPIKey(
                prefix: prefix, hash: Array(hash.readableBytesView), kind: kind, hostID: host, expiresAt: expires,
                revokedAt: revoked, hostRetired: retired, label: label, role: role)
        }
        return nil
    }

    /// Stores a new agent key for a host and shortens the presenting key's life to the
    /// overlap window (it keeps working until `previousValidUntil`, never longer than it
    /// would have anyway).
    public func rotateKey(
        hostID: UUID, presentedPrefix: String, newPrefix: String, newHash: [UInt8], expiresAt: Date,
        previousValidUntil: Date, now: Date = Date()
    ) async throws -> Date {
        try await client.transaction(logger: logger) { connection in
            let rows = try await connection.query(
                """
                UPDATE api_keys SET expires_at = least(expires_at, \(previousValidUntil))
                WHERE key_prefix = \(presentedPrefix) AND host_id = \(hostID) AND revoked_at IS NULL
                RETURNING expires_at
                """, logger: logger)
            var validUntil: Date?
            for try await date in rows.decode(Date.self) { validUntil = date }
            guard let validUntil else {
                throw PostgresStoreError("the presenting key is not an active key of host \(hostID)")
            }
            try await connection.query(
                """
                INSERT INTO api_keys (key_prefix, key_hash, kind, host_id, label, created_at, expires_at)
                VALUES (\(newPrefix), \(ByteBuffer(bytes: newHash)), 'agent', \(hostID), 'rotation', \(now), \(expiresAt))
                """, logger: logger)
            return validUntil
        }
    }

    /// Revokes one key by prefix; returns whether an active key was revoked.
    public func revokeKey(prefix: String, now: Date = Date()) async throws -> Bool {
        let rows = try await client.query(
            "UPDATE api_keys SET revoked_at = \(now) WHERE key_prefix = \(prefix) AND revoked_at IS NULL RETURNING 1",
            logger: logger)
        var count = 0
        for try await _ in rows.decode(Int.self) { count += 1 }
        return count > 0
    }

    /// Revokes every active key of a host; returns how many.
    public func revokeKeys(hostID: UUID, now: Date = Date()) async throws -> Int {
        let rows = try await client.query(
            "UPDATE api_keys SET revoked_at = \(now) WHERE host_id = \(hostID) AND revoked_at IS NULL RETURNING 1",
            logger: logger)
        var count = 0
        for try await _ in rows.decode(Int.self) { count += 1 }
        return count
    }

    /// Stores a key that names no host: a SCIM provider's token (`label`: the provider), or
    /// an admin token with the admin role (``createAdminKey(prefix:hash:label:role:createdBy:expiresAt:)``
    /// takes any role).
    public func createKey(kind: StoredAPIKey.Kind, prefix: String, hash: [UInt8], label: String, expiresAt: Date)
        async throws
    {
        try await client.query(
            """
            INSERT INTO api_keys (key_prefix, key_hash, kind, label, expires_at, role)
            VALUES (\(prefix), \(ByteBuffer(bytes: hash)), \(kind.rawValue), \(label), \(expiresAt),
                    \(kind == .admin ? AdminRole.admin.rawValue : nil))
            """, logger: logger)
    }

    /// One key as `ringfence keys list` shows it: no hash, no secret.
    public struct KeyListing: Sendable, Equatable {
        public var prefix: String
        public var kind: String
        public var hostID: UUID?
        public var hostname: String?
        public var label: String?
        public var createdAt: Date
        public var expiresAt: Date
        public var revokedAt: Date?
    }

    /// Keys, newest first; revoked and expired ones too (they say so).
    public func keys(hostID: UUID? = nil, limit: Int = 500) async throws -> [KeyListing] {
        let rows = try await client.query(
            """
            SELECT k.key_prefix, k.kind, k.host_id, h.hostname, k.label, k.created_at, k.expires_at, k.revoked_at
            FROM api_keys k LEFT JOIN hosts h ON h.id = k.host_id
            WHERE \(hostID)::uuid IS NULL OR k.host_id = \(hostID)
            ORDER BY k.created_at DESC, k.id DESC LIMIT \(limit)
            """, logger: logger)
        var result: [KeyListing] = []
        for try await (prefix, kind, host, hostname, label, created, expires, revoked)
            in rows.decode((String, String, UUID?, String?, String?, Date, Date, Date?).self)
        {
            result.append(
                KeyListing(
                    prefix: prefix, kind: kind, hostID: host, hostname: hostname, label: label,
                    createdAt: created, expiresAt: expires, revokedAt: revoked))
        }
        return result
    }
}
