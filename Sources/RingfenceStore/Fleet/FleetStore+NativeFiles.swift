import Foundation
import Logging
import NIOCore
import PostgresNIO
import RingfenceCore

/// The native agent files served to each host, for drift checks.
extension FleetStore {
    /// The managed files last served to a host, by agent kind: name → SHA-256.
    public func servedNativeFiles(hostID: UUID) async throws -> [String: [String: String]] {
        let rows = try await client.query(
            "SELECT agent_kind, name, sha256 FROM served_native_files WHERE host_id = \(hostID)", logger: logger)
        var served: [String: [String: String]] = [:]
        for try await (agent, name, sha) in rows.decode((String, String, String).self) {
            served[agent, default: [:]][name] = sha
        }
        return served
    }

    /// Records the managed files FetchPolicy served a host for one agent; they replace
    /// the ones served before.
    public func recordServedNativeFiles(
        hostID: UUID, agentKind: String, files: [(name: String, sha256: String)], etag: String,
        at now: Date = Date()
    ) async throws {
        try await client.transaction(logger: logger) { connection in
            try await connection.query(
                "DELETE FROM served_native_files WHERE host_id = \(hostID) AND agent_kind = \(agentKind)",
                logger: logger)
            guard !files.isEmpty else { return }
            try await connection.query(
                """
                INSERT INTO served_native_files (host_id, agent_kind, name, sha256, etag, served_at)
                SELECT \(hostID), \(agentKind), n, s, \(etag), \(now) FROM unnest(\(files.map(\.name)), \(files.map(\.sha256))) AS f(n, s)
                """, logger: logger)
        }
    }
}
