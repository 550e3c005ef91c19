import Foundation
import Logging
import PostgresNIO
import RingfenceStore

/// Where the throw-away servers started by `scripts/test` listen, and helpers to use them.
///
/// `scripts/test` exports `RINGFENCE_TEST_PG_URL` and `RINGFENCE_TEST_LDAP_*`. Outside CI,
/// tests that need a server are skipped (with a message naming the script) when these are
/// absent; in CI (`CI` set) they run and fail loudly instead, so a broken set-up can never
/// pass as "skipped".
public enum TestServers {
    static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The repository's root folder (for scripts, fixtures and examples).
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// Whether this run is CI, where no server test may be skipped.
    public static var isCI: Bool {
        guard let value = environment["CI"]?.lowercased() else { return false }
        return value == "true" || value == "1" || value == "yes"
    }

    /// Whether tests that need PostgreSQL should run.
    public static var postgresEnabled: Bool { environment["RINGFENCE_TEST_PG_URL"] != nil || isCI }

    /// Whether tests that need PgBouncer (in front of the PostgreSQL of `scripts/test`) should run.
    public static var pgbouncerEnabled: Bool { environment["RINGFENCE_TEST_PGBOUNCER_URL"] != nil || isCI }

    /// `database` on the PostgreSQL of `scripts/test` reached through its PgBouncer
    /// (`rf_start_pgbouncer`, session pooling).
    public static func throughPgBouncer(_ database: DatabaseConfiguration) throws -> DatabaseConfiguration {
        let text = try value("RINGFENCE_TEST_PGBOUNCER_URL")
        var pooled = try DatabaseConfiguration(url: text)
        pooled.database = database.database
        return pooled
    }

    /// Whether tests that need slapd should run.
    public static var ldapEnabled: Bool { environment["RINGFENCE_TEST_LDAP_URL"] != nil || isCI }

    /// An exported setting of scripts/test, or an error naming it.
    static func value(_ key: String) throws -> String {
        guard let value = environment[key] else {
            throw TestServerError.notConfigured("\(key) is not set; run the tests through scripts/test")
        }
        return value
    }

    /// Whether tests that need the Samba AD domain controller should run.
    public static var activeDirectoryEnabled: Bool { environment["RINGFENCE_TEST_AD_URL"] != nil || isCI }

    /// The Samba AD DC of `scripts/test` (`rf_start_samba_ad`).
    public static func activeDirectory() throws -> ActiveDirectoryTestServer {
        return ActiveDirectoryTestServer(
            url: try value("RINGFENCE_TEST_AD_URL"), baseDN: try value("RINGFENCE_TEST_AD_BASE"),
            bindDN: try value("RINGFENCE_TEST_AD_BIND_DN"), password: try value("RINGFENCE_TEST_AD_PASSWORD"))
    }

    /// Message shown when server tests are skipped.
    public static let skipMessage =
        "needs the test servers: run scripts/test (it starts PostgreSQL and slapd and sets RINGFENCE_TEST_*)"

    /// The PostgreSQL of `scripts/test`.
    public static func postgres() throws -> DatabaseConfiguration {
        guard let url = environment["RINGFENCE_TEST_PG_URL"] else {
            throw TestServerError.notConfigured("RINGFENCE_TEST_PG_URL is not set; run the tests through scripts/test")
        }
        return try DatabaseConfiguration(url: url)
    }

    /// The slapd of `scripts/test`.
    public static func ldap() throws -> LDAPTestServer {
        return LDAPTestServer(
            url: try value("RINGFENCE_TEST_LDAP_URL"),
            baseDN: try value("RINGFENCE_TEST_LDAP_BASE"),
            bindDN: try value("RINGFENCE_TEST_LDAP_BIND_DN"),
            password: try value("RINGFENCE_TEST_LDAP_PASSWORD"),
            adminDN: try value("RINGFENCE_TEST_LDAP_ADMIN_DN"),
            adminPassword: try value("RINGFENCE_TEST_LDAP_ADMIN_PASSWORD"),
            ldapsURL: try value("RINGFENCE_TEST_LDAPS_URL"),
            caFile: try value("RINGFENCE_TEST_LDAP_CA")
        )
    }

    /// Runs `body` against a brand-new, empty database that is dropped afterwards, so
    /// tests running in parallel never see each other's rows.
    public static func withTemporaryDatabase<Result: Sendable>(
        _ body: @Sendable (PostgresClient, DatabaseConfiguration) async throws -> Result
    ) async throws -> Result {
        let server = try postgres()
        let name = "rf_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try await withPostgres(server) { admin in
            try await admin.query("CREATE DATABASE \(unescaped: String(name))")
        }
        var temporary = server
        temporary.database = String(name)
        let configuration = temporary
        do {
            let result = try await withPostgres(configuration) { client in
                try await body(client, configuration)
            }
            try await dropDatabase(String(name), on: server)
            return result
        } catch {
            try? await dropDatabase(String(name), on: server)
            throw error
        }
    }

    /// Runs `body` against a temporary database with every migration applied.
    public static func withMigratedDatabase<Result: Sendable>(
        _ body: @Sendable (PostgresClient, DatabaseConfiguration) async throws -> Result
    ) async throws -> Result {
        try await withTemporaryDatabase { client, configuration in
            _ = try await Migrator(catalog: try MigrationCatalog.bundled()).apply(on: client)
            return try await body(client, configuration)
        }
    }

    private static func dropDatabase(_ name: String, on server: DatabaseConfiguration) async throws {
        try await withPostgres(server) { admin in
            try await admin.query("DROP DATABASE IF EXISTS \(unescaped: name) WITH (FORCE)")
        }
    }
}

/// Connection facts of the test Samba AD DC: `OU=Ringfence,DC=rf,DC=test` with
/// `OU=People` and `OU=Groups` (scripts/lib/servers.sh, rf_start_samba_ad).
public struct ActiveDirectoryTestServer: Sendable {
    public var url: String
    public var baseDN: String
    /// The domain administrator (binds and changes).
    public var bindDN: String
    public var password: String
}

/// Connection facts of the test slapd.
public struct LDAPTestServer: Sendable {
    /// `ldap://127.0.0.1:PORT/`.
    public var url: String
    /// `dc=example,dc=com`.
    public var baseDN: String
    /// The sync service account (subject to the size limit).
    public var bindDN: String
    /// Its password.
    public var password: String
    /// The rootdn, for tests that change the directory.
    public var adminDN: String
    /// Its password.
    public var adminPassword: String
    /// `ldaps://127.0.0.1:PORT/` (StartTLS works on `url`).
    public var ldapsURL: String
    /// PEM of the throw-away CA that signed slapd's certificate.
    public var caFile: String

    /// Makes a CA certificate that did not sign slapd's certificate, for negative TLS tests.
    public static func unrelatedCA() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "rf-other-ca-\(UUID().uuidString.prefix(8)).pem"
        ).path
        _ = try SlapdInstance.bash(
            """
            openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout '\(path).key' -out '\(path)' \
              -days 1 -subj '/CN=Unrelated CA'
            """)
        guard FileManager.default.fileExists(atPath: path) else {
            throw TestServerError.notConfigured("openssl could not make a CA")
        }
        return path
    }
}

/// A test server the run was supposed to have is not there.
public enum TestServerError: Error, CustomStringConvertible {
    case notConfigured(String)

    public var description: String {
        switch self {
        case .notConfigured(let message): message
        }
    }
}
