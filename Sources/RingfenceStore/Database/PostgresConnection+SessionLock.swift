import Logging
import PostgresNIO

/// Session-level advisory locks: held by this connection until released, also across
/// transactions. A session lock ends with its connection, so a process that dies never
/// leaves it held; it needs the same server connection throughout (session pooling behind
/// a pooler, docs/scaling.md).
extension PostgresConnection {
    /// Runs `body` holding the lock `key`, waiting for it first (`pg_advisory_lock`);
    /// releases it afterwards, also when `body` throws.
    func withSessionLock<Result>(_ key: Int64, logger: Logger, _ body: () async throws -> Result)
        async throws -> Result
    {
        try await query("SELECT pg_advisory_lock(\(key))", logger: logger)
        return try await holdingSessionLock(key, logger: logger, body)
    }

    /// Runs `body` holding the lock `key` if no other session holds it
    /// (`pg_try_advisory_lock`); releases it afterwards, also when `body` throws.
    /// - Returns: `body`'s result, or nil at once when another session holds the lock.
    func withSessionLockIfFree<Result>(_ key: Int64, logger: Logger, _ body: () async throws -> Result)
        async throws -> Result?
    {
        var locked = false
        for try await value in try await query("SELECT pg_try_advisory_lock(\(key))", logger: logger).decode(Bool.self)
        {
            locked = value
        }
        guard locked else { return nil }
        return try await holdingSessionLock(key, logger: logger, body)
    }

    /// Runs `body` with the lock `key` taken, then releases it.
    private func holdingSessionLock<Result>(_ key: Int64, logger: Logger, _ body: () async throws -> Result)
        async throws -> Result
    {
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
