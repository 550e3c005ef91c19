import Logging
import PostgresNIO

/// Runs `body` with a connected `PostgresClient` whose pool runs for exactly as long
/// as `body` does. One connection is opened first, so an unreachable server or a wrong
/// database fails at once with `DatabaseUnreachable` (a pool would retry for a minute).
///
/// postgres-nio's client only serves queries while its `run()` is in progress; this
/// ties that lifetime to a scope, which is what command-line commands and tests want.
/// Long-running services instead hand the client to swift-service-lifecycle.
@discardableResult
public func withPostgres<Result: Sendable>(
    _ configuration: DatabaseConfiguration,
    logger: Logger = quietPostgresLogger,
    _ body: @Sendable (PostgresClient) async throws -> Result
) async throws -> Result {
    try await configuration.probe(logger: logger)
    let client = PostgresClient(configuration: configuration.clientConfiguration, backgroundLogger: logger)
    return try await withThrowingTaskGroup(of: Void.self, returning: Result.self) { group in
        group.addTask { await client.run() }
        defer { group.cancelAll() }
        return try await body(client)
    }
}

/// The pool's background logger for scoped clients: errors only. (The pool warns when a
/// query is queued before `run()` has been scheduled, which `withPostgres` does by design.)
public let quietPostgresLogger: Logger = {
    var logger = Logger(label: "ringfence.postgres")
    logger.logLevel = .error
    return logger
}()

extension PostgresClient {
    /// `withTransaction`, but rethrowing the error the body threw (postgres-nio wraps it in
    /// `PostgresTransactionError`), so callers can match their own error types.
    func transaction<Result: Sendable>(
        logger: Logger,
        _ body: (PostgresConnection) async throws -> sending Result
    ) async throws -> sending Result {
        do {
            return try await withTransaction(logger: logger, body)
        } catch let error as PostgresTransactionError {
            throw error.closureError ?? error
        }
    }
}
