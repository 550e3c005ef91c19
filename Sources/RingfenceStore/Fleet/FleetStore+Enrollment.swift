import Foundation
import Logging
import NIOCore
import PostgresNIO
import RingfenceCore

/// Enrolment: one-time tokens traded for a host and its first key.
extension FleetStore {
    // MARK: Enrolment

    /// Stores a one-time enrolment token by its digest; returns its id. The host that
    /// enrols with it gets the ring and tags, and `users` bound to it (lower-cased); with
    /// `anyUser` it is a shared host any directory user may act on.
    public func createEnrollmentToken(
        hash: [UInt8], ring: Ring?, tags: [String], users: [String] = [], anyUser: Bool = false, expiresAt: Date
    ) async throws -> Int64 {
        let ringValue = ring.map { Int16($0.number) }
        let userNames = DecisionContext.normalized(users)
        let rows = try await client.query(
            """
            INSERT INTO enrollment_tokens (token_hash, ring, tags, users, any_user, expires_at)
            VALUES (\(ByteBuffer(bytes: hash)), \(ringValue), \(tags), \(userNames), \(anyUser), \(expiresAt)) RETURNING id
            """, logger: logger)
        for try await id in rows.decode(Int64.self) { return id }
        throw PostgresStoreError("enrolment token was not stored")
    }

    /// Why an enrolment was refused.
    public enum EnrollmentError: Error, Equatable, CustomStringConvertible {
        /// No unused, unexpired token has this digest.
        case invalidToken

        public var description: String { "the enrolment token is unknown, used or expired" }
    }

    /// Consumes a token and enrols the host, storing its first API key — all in one
    /// transaction. A machine that is already enrolled (same machine id) keeps its host id;
    /// its earlier keys are revoked.
    public func enroll(
        tokenHash: [UInt8], host: HostIdentity, keyPrefix: String, keyHash: [UInt8],
        keyExpiresAt: Date, now: Date = Date()
    ) async throws -> Enrollment {
        try await client.transaction(logger: logger) { connection in
            let tokenRows = try await connection.query(
                """
                UPDATE enrollment_tokens SET used_at = \(now)
                WHERE token_hash = \(ByteBuffer(bytes: tokenHash)) AND used_at IS NULL AND expires_at > \(now)
                RETURNING id, ring, tags, users, any_user
                """, logger: logger)
            var token: (Int64, Int16?, [String], [String], Bool)?
            for try await row in tokenRows.decode((Int64, Int16?, [String], [String], Bool).self) { token = row }
            guard let (tokenID, ringValue, tags, users, anyUser) = token else { throw EnrollmentError.invalidToken }

            var existing: UUID?
            let hostRows = try await connection.query(
                "SELECT id FROM hosts WHERE machine_id = \(host.machineID) AND retired_at IS NULL ORDER BY enrolled_at DESC LIMIT 1 FOR UPDATE",
                logger: logger)
            for try await id in hostRows.decode(UUID.self) { existing = id }
            let hostID = existing ?? UUID()
            if existing != nil {
                try await connection.query(
                    """
                    UPDATE hosts SET hostname = \(host.hostname), os = \(host.os), os_version = \(host.osVersion),
                        arch = \(host.arch), installer_version = \(host.installerVersion),
                        ring = coalesce(\(ringValue), ring), tags = \(tags), any_user = \(anyUser)
                    WHERE id = \(hostID)
                    """, logger: logger)
                try await connection.query(
                    "UPDATE api_keys SET revoked_at = \(now) WHERE host_id = \(hostID) AND revoked_at IS NULL",
                    logger: logger)
            } else {
                try await connection.query(
                    """
                    INSERT INTO hosts (id, machine_id, hostname, os, os_version, arch, installer_version, ring, tags,
                                       any_user, enrolled_at)
                    VALUES (\(hostID), \(host.machineID), \(host.hostname), \(host.os), \(host.osVersion), \(host.arch),
                            \(host.installerVersion), \(ringValue), \(tags), \(anyUser), \(now))
                    """, logger: logger)
            }
            if !users.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO host_users (host_id, user_name, bound_at, bound_by, source)
                    SELECT \(hostID), u, \(now), \("enrolment token \(tokenID)"), 'enrolment' FROM unnest(\(users)) AS u
                    ON CONFLICT (host_id, user_name) DO NOTHING
                    """, logger: logger)
            }
            try await connection.query(
                "UPDATE enrollment_tokens SET used_by_host = \(hostID) WHERE id = \(tokenID)", logger: logger)
            try await connection.query(
                """
                INSERT INTO api_keys (key_prefix, key_hash, kind, host_id, label, created_at, expires_at)
                VALUES (\(keyPrefix), \(ByteBuffer(bytes: keyHash)), 'agent', \(hostID), 'enrolment', \(now), \(keyExpiresAt))
                """, logger: logger)
            return Enrollment(
                hostID: hostID, ring: ringValue.flatMap { Ring(number: Int($0)) }, reenrolled: existing != nil)
        }
    }
}
