import Logging
import PostgresNIO

extension PostgresConnection {
    /// Runs `body` holding the session-level advisory lock `key` on this connection, and
    /// releases it afterwards, also when `body` throws. A session lock ends with its
    /// connection, so a process that dies never leaves it held; it needs the same server
    /// connection throughout (session pooling behind a pooler, docs/scaling.md).
    ///
    /// - Parameter wait: wait for the lock (`pg_advisory_lock`), or give up at once
    ///   (`pg_try_advisory_lock`).
    /// - Returns: `body`'s result, or nil when `wait` is false and another session holds it.
    func withSessionLock<Result>(
        _ key: Int64, wait: Bool, logger: Logger, _ body: () async throws -> Result
    ) async throws -> Result? {
        if wait {
            try await query("SELECT pg_advisory_lock(\(key))", logger: logger)
        } else {
            var locked = false
            for try await value in try await query("SELECT pg_try_advisory_lock(\(key))", logger: logger)
                .decode(Bool.self)
            {
                locked = value
            }
            guard locked else { return nil }
        }
        do {
            let result = try await body()
            try await query("SELECT pg_advisory_unlock(\(key))", logger: logger)
            return result
        } catch {
            // If the connection is gone the lock went with it.
            _ = try? await query("SELECT pg_advisory_unlock(\(key))", logger: logger)
            throw error
        }
    }
}
