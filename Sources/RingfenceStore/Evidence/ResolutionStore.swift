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
        /// The agent kind and repository slug of the context ("" for none).
        public var agentKind: String
        public var repo: String

        public init(
            id: UUID, at: Date, hostID: UUID?, user: String, contextHash: String, etag: String, revision: Int64,
            ring: Int16, traceJSON: String, agentKind: String = "", repo: String = ""
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
            self.agentKind = agentKind
            self.repo = repo
        }
    }

    /// Stores resolutions not stored before (by id), in one statement.
    public func record(_ resolutions: [StoredResolution]) async throws {
        guard !resolutions.isEmpty else { return }
        try await client.query(
            """
            INSERT INTO resolutions (id, at, host_id, username, context_hash, etag, revision, ring, trace, agent_kind, repo)
            SELECT i, a, h, u, c, e, r, g, t::jsonb, k, rp
            FROM unnest(\(resolutions.map(\.id)), \(resolutions.map(\.at)), \(resolutions.map { $0.hostID ?? Self.noHost }),
                        \(resolutions.map(\.user)), \(resolutions.map(\.contextHash)), \(resolutions.map(\.etag)),
                        \(resolutions.map(\.revision)), \(resolutions.map(\.ring)), \(resolutions.map(\.traceJSON)),
                        \(resolutions.map(\.agentKind)), \(resolutions.map(\.repo)))
                 AS x(i, a, h0, u, c, e, r, g, t, k, rp)
            CROSS JOIN LATERAL (SELECT nullif(h0, \(Self.noHost)) AS h) host
            ON CONFLICT (id) DO NOTHING
            """, logger: logger)
    }

    /// The resolutions served to `hostID` with this etag and revision, newest first: what
    /// the host held when an event names them.
    public func served(hostID: UUID, etag: String, revision: Int64) async throws -> [StoredResolution] {
        let rows = try await client.query(
            """
            SELECT id, at, username, context_hash, ring, trace::text, agent_kind, repo FROM resolutions
            WHERE host_id = \(hostID) AND etag = \(etag) AND revision = \(revision)
            ORDER BY at DESC LIMIT 20
            """, logger: logger)
        var result: [StoredResolution] = []
        for try await (id, at, user, hash, ring, trace, agent, repo) in rows.decode(
            (UUID, Date, String?, String, Int16, String, String, String).self)
        {
            result.append(
                StoredResolution(
                    id: id, at: at, hostID: hostID, user: user ?? "", contextHash: hash, etag: etag, revision: revision,
                    ring: ring, traceJSON: trace, agentKind: agent, repo: repo))
        }
        return result
    }

    /// Stands for "no host" inside the bound arrays (arrays of optionals do not bind).
    private static let noHost = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
}
