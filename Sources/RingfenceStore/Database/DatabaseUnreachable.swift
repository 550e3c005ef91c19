import PostgresNIO

/// PostgreSQL could not be reached or refused the login: which server and database, and
/// the reason in PostgreSQL's or the network's words (`database "x" does not exist`,
/// `connection refused`). Commands report it at once instead of waiting on a pool that
/// keeps retrying.
public struct DatabaseUnreachable: Error, Sendable, CustomStringConvertible {
    /// The server, with any password redacted.
    public var target: String
    public var reason: String

    public init(target: String, reason: String) {
        self.target = target
        self.reason = reason
    }

    public var description: String { "cannot connect to PostgreSQL at \(target): \(reason)" }

    /// The reason of a connection failure in words.
    static func reason(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] { return message }
        if let underlying = error.underlying { return "\(underlying)" }
        return "\(error.code)"
    }
}

extension DatabaseConfiguration {
    /// Opens and closes one connection, so a wrong address, database or login is reported
    /// now, with its reason (`DatabaseUnreachable`).
    public func probe(logger: Logger = quietPostgresLogger) async throws(DatabaseUnreachable) {
        do {
            let tls: PostgresConnection.Configuration.TLS =
                requireTLS
                ? .require(try NIOSSLContext(configuration: .makeClientConfiguration())) : .disable
            var configuration = PostgresConnection.Configuration(
                host: host, port: port, username: username, password: password,
                database: database, tls: tls)
            configuration.options.connectTimeout = .seconds(5)
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
            try await connection.close()
        } catch {
            throw DatabaseUnreachable(target: redactedDescription, reason: DatabaseUnreachable.reason(error))
        }
    }

}
