import Foundation
import Logging
import PostgresNIO
import RingfenceCore

extension DirectoryStore {
    /// Another directory sync holds the run lock: on this replica, another one or a
    /// `ringfence sync` run by hand.
    public struct SyncBusy: Error, Sendable, CustomStringConvertible {
        /// The run recorded as running, if its record could be read.
        public var runID: Int64?
        public var startedAt: Date?

        public var description: String {
            guard let runID, let startedAt else { return "another directory sync is running; try again when it ends" }
            return
                "another directory sync is running (run \(runID), started \(startedAt.formatted(.iso8601))); try again when it ends"
        }
    }

    /// The session advisory lock that one sync at a time holds ("RFSY").
    public static let runLockKey: Int64 = 0x5246_5359

    /// Runs `body` holding the sync run lock on a connection of its own, so that one
    /// directory sync runs at a time across replicas and `ringfence sync` by hand.
    ///
    /// Taking the lock, it marks every run still recorded as `running` as `abandoned`:
    /// whoever ran it no longer holds the lock, so its process was killed or lost its
    /// database before it finished. `body` gets their ids. The lock is a session lock: it
    /// ends with the connection, so a process that dies never leaves it held.
    ///
    /// - Throws: ``SyncBusy`` at once when another run holds the lock.
    public func withRunLock<Result: Sendable>(_ body: @Sendable (_ abandoned: [Int64]) async throws -> Result)
        async throws -> Result
    {
        try await client.withConnection { connection in
            let result = try await connection.withSessionLockIfFree(Self.runLockKey, logger: logger) {
                try await body(try await markAbandoned(connection))
            }
            guard let result else { throw try await busy(connection) }
            return result
        }
    }

    private func markAbandoned(_ connection: PostgresConnection) async throws -> [Int64] {
        let rows = try await connection.query(
            """
            UPDATE sync_runs SET status = 'abandoned', finished_at = now(),
                error = 'its process stopped before the run finished; nothing of it was written'
            WHERE status = 'running' RETURNING id
            """, logger: logger)
        var ids: [Int64] = []
        for try await id in rows.decode(Int64.self) { ids.append(id) }
        ids.sort()
        for id in ids {
            logger.warning("sync run abandoned by its process; marked", metadata: ["run": "\(id)"])
        }
        return ids
    }

    private func busy(_ connection: PostgresConnection) async throws -> SyncBusy {
        let rows = try await connection.query(
            "SELECT id, started_at FROM sync_runs WHERE status = 'running' ORDER BY id DESC LIMIT 1", logger: logger)
        for try await (id, started) in rows.decode((Int64, Date).self) {
            return SyncBusy(runID: id, startedAt: started)
        }
        return SyncBusy()
    }
}
