import Foundation
import PostgresNIO

/// Where and how to reach PostgreSQL.
///
/// Parsed from a URL of the form `postgres://user[:password]@host[:port]/database`
/// (the form `psql` accepts). TLS is off on loopback and required elsewhere unless
/// the URL says `?sslmode=disable`.
public struct DatabaseConfiguration: Sendable, Equatable {
    /// Host name or IP address.
    public var host: String
    /// TCP port.
    public var port: Int
    /// Role to log in as.
    public var username: String
    /// Password, if the server asks for one. Never logged.
    public var password: String?
    /// Database name.
    public var database: String
    /// Whether to require TLS.
    public var requireTLS: Bool

    /// Creates a configuration from its parts.
    public init(
        host: String, port: Int = 5432, username: String, password: String? = nil, database: String,
        requireTLS: Bool = false
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.requireTLS = requireTLS
    }

    /// Parses a `postgres://` URL.
    public init(url text: String) throws(DatabaseURLError) {
        guard let components = URLComponents(string: text),
            components.scheme == "postgres" || components.scheme == "postgresql",
            let host = components.host, !host.isEmpty
        else {
            throw DatabaseURLError(
                key: "database.url",
                message: "expected postgres://user@host:port/database, got '\(Self.redacted(text))'")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else {
            throw DatabaseURLError(key: "database.url", message: "the URL names no database: '\(Self.redacted(text))'")
        }
        let sslmode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value
        let loopback = host == "localhost" || host == "::1" || host.hasPrefix("127.")
        self.init(
            host: host,
            port: components.port ?? 5432,
            username: components.user ?? "ringfence",
            password: components.password,
            database: database,
            requireTLS: sslmode.map { $0 == "require" || $0 == "verify-full" } ?? !loopback
        )
    }

    /// The URL with the password replaced by `***`, safe for logs and messages.
    public var redactedDescription: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
    }

    /// The URL with any password replaced, for error messages.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? "<unparseable URL>"
    }

    /// The postgres-nio client configuration.
    public var clientConfiguration: PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host,
            port: port,
            username: username,
            password: password,
            database: database,
            tls: requireTLS ? .require(.makeClientConfiguration()) : .disable
        )
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }
}

/// A database URL that cannot be used, with the key or flag it came from.
public struct DatabaseURLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration key (dotted path) at fault.
    public var key: String
    /// What is wrong.
    public var message: String

    /// Creates an error for a key.
    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }

    public var description: String { "\(key): \(message)" }
}
