import Foundation
import Logging
import PostgresNIO

/// Stores resolutions served to agents, with their trace, in `resolutions`.
///
/// A resolution is identified by a name-based id (see `StoredResolution.id`), so storing
/// the same one again is a no-op and the id can be handed to the agent before the row is
/// written.
public struct ResolutionStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "ringfence.resolutions.store")) {
        self.client = client
        self.logger = logger
    }

    /// One resolution as stored.
    public struct StoredResolution: Sendable, Equatable {
        public var id: UUID
        public var at: Date
        public var hostID: UUID?
        public var user: String
        public var contextHash: String
        public var etag: String
        public var revision: Int64
        public var ring: Int16
        /// The trace as JSON text.
        public var traceJSON: String

        public init(
            id: UUID, at: Date, hostID: UUID?, user: String, contextHash: String, etag: String, revision: Int64,
            ring: Int16, traceJSON: String
        ) {
            self.id = id
            self.at = at
            self.hostID = hostID
            self.user = user
            self.contextHash = contextHash
            self.etag = etag
            self.revision = revision
            self.ring = ring
            self.traceJSON = traceJSON
        }
    }

    /// Stores resolutions not stored before (by id), in one statement.
    public func record(_ resolutions: [StoredResolution]) async throws {
        guard !resolutions.isEmpty else { return }
        try await client.query(
            """
            INSERT INTO resolutions (id, at, host_id, username, context_hash, etag, revision, ring, trace)
            SELECT i, a, h, u, c, e, r, g, t::jsonb
            FROM unnest(\(resolutions.map(\.id)), \(resolutions.map(\.at)), \(resolutions.map { $0.hostID ?? Self.noHost }),
                        \(resolutions.map(\.user)), \(resolutions.map(\.contextHash)), \(resolutions.map(\.etag)),
                        \(resolutions.map(\.revision)), \(resolutions.map(\.ring)), \(resolutions.map(\.traceJSON)))
                 AS x(i, a, h0, u, c, e, r, g, t)
            CROSS JOIN LATERAL (SELECT nullif(h0, \(Self.noHost)) AS h) host
            ON CONFLICT (id) DO NOTHING
            """, logger: logger)
    }

    /// Stands for "no host" inside the bound arrays (arrays of optionals do not bind).
    private static let noHost = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
}
