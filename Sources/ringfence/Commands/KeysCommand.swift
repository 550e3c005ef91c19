import ArgumentParser
import Foundation
import RingfenceCore
import RingfenceServer
import RingfenceStore

/// `ringfence keys`: enrolment tokens and API keys of the fleet.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Make enrolment tokens; list and revoke API keys.",
        subcommands: [EnrolToken.self, ScimToken.self, AdminToken.self, List.self, Revoke.self]
    )

    /// The host id of a `--host` flag.
    static func hostID(_ text: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else {
            throw ValidationError("--host: '\(text)' is not a host id (UUID)")
        }
        return id
    }

    /// `ringfence keys enrol-token`: one-time tokens an installer trades for a host's key.
    struct EnrolToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "enrol-token",
            abstract: "Print one-time enrolment tokens (one per line) for installers and MDM recipes.",
            discussion:
                "Each token enrols one host. Only its SHA-256 is stored: keep the printed token secret until used."
        )

        @Option(help: "Ring 1-4 to enrol hosts into (default: decided by their users' groups).")
        var ring: Int?
        @Option(help: "How long the tokens stay valid: 90s, 30m, 24h, 7d.")
        var expires: TimeSpan = TimeSpan(seconds: 86_400)
        @Option(help: "How many tokens to make.")
        var count: Int = 1
        @Option(help: "Comma-separated host tags given to enrolled hosts.")
        var tags: String = ""
        @Option(
            name: .customLong("user"),
            help: "Directory user the host's agents may act for (repeatable or comma-separated).")
        var users: [String] = []
        @Flag(name: .customLong("any-user"), help: "Enrol shared hosts: any directory user may act on them.")
        var anyUser = false
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if anyUser && !users.isEmpty { throw ValidationError("--user and --any-user exclude each other") }
            if let ring, Ring(number: ring) == nil { throw ValidationError("--ring: expected 1 to 4") }
            if count < 1 || count > 100_000 { throw ValidationError("--count: expected 1 to 100000") }
            if expires.seconds < 60 { throw ValidationError("--expires: at least 60s") }
        }

        func run() async throws {
            let ring = self.ring.flatMap(Ring.init(number:))
            let tags = self.tags.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                .filter { !$0.isEmpty }
            let expiresAt = Date().addingTimeInterval(expires.seconds)
            let count = self.count
            let users = ContextOptions.split(self.users)
            let anyUser = self.anyUser
            let tokens = try await withPostgres(try database.configuration()) { client in
                let fleet = FleetStore(client: client)
                var tokens: [String] = []
                for _ in 0..<count {
                    let token = EnrollmentToken.generate()
                    _ = try await fleet.createEnrollmentToken(
                        hash: token.hash, ring: ring, tags: tags, users: users, anyUser: anyUser, expiresAt: expiresAt)
                    tokens.append(token.text)
                }
                return tokens
            }
            for token in tokens { print(token) }
            FileHandle.standardError.write(
                Data(
                    "made \(tokens.count) enrolment token(s), valid until \(expiresAt.formatted(.iso8601))\(ring.map { ", ring \($0.number)" } ?? "")\n"
                        .utf8))
            if users.isEmpty && !anyUser {
                FileHandle.standardError.write(
                    Data(
                        "note: these tokens bind no user: the hosts' agents get no policy until `ringfence hosts bind HOST USER` (or use --user / --any-user)\n"
                            .utf8))
            }
        }
    }

    /// `ringfence keys scim-token --provider entra`: a bearer token for an identity
    /// provider's SCIM client, shown once (stored hashed; `keys list` shows its prefix,
    /// `keys revoke --prefix` ends it).
    struct ScimToken: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scim-token",
            abstract: "Make a SCIM bearer token for an identity provider (printed once).",
            discussion:
                "The provider names the users and groups the token writes (origin scim:<provider>): tokens of one provider share them."
        )

        @Option(
            help: "The identity provider the token belongs to: lower-case letters, digits and '-', e.g. entra, okta.")
        var provider: String
        @Option(help: "Days the token works (default 365).")
        var days: Int = 365
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard (1...64).contains(provider.count),
                provider.allSatisfy({ ($0.isLetter && $0.isLowercase && $0.isASCII) || $0.isNumber || $0 == "-" })
            else { throw ValidationError("--provider takes 1–64 lower-case letters, digits and '-'") }
            guard (1...3_650).contains(days) else { throw ValidationError("--days takes 1 to 3650") }
        }

        func run() async throws {
            let token = APIKey.generate()
            let expires = Date().addingTimeInterval(Double(days) * 86_400)
            try await withPostgres(try database.configuration()) { client in
                try await FleetStore(client: client).createKey(
                    kind: .scim, prefix: token.prefix, hash: token.hash, label: provider, expiresAt: expires)
            }
            print(token.text)
        }
    }

    /// `ringfence keys list`: keys by prefix, never the keys themselves.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List API keys (prefix, host, state), newest first.")

        @Option(help: "Only the keys of this host id.")
        var host: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let hostID = try host.map(KeysCommand.hostID)
            let keys = try await withPostgres(try database.configuration()) { client in
                try await FleetStore(client: client).keys(hostID: hostID)
            }
            let now = Date()
            print("prefix    kind   state    expires                host")
            for key in keys {
                let state = key.revokedAt != nil ? "revoked" : key.expiresAt <= now ? "expired" : "active"
                let host = key.hostID.map { "\($0.uuidString.lowercased()) \(key.hostname ?? "")" } ?? (key.label ?? "")
                print(
                    "\(key.prefix)  \(key.kind.padding(toLength: 6, withPad: " ", startingAt: 0)) \(state.padding(toLength: 8, withPad: " ", startingAt: 0)) \(key.expiresAt.formatted(.iso8601))  \(host)"
                )
            }
        }
    }

    /// `ringfence keys revoke`: a key by prefix, or every key of a host.
    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an API key (by prefix) or every key of a host.",
            discussion: "A running server stops accepting the key within server.cacheSeconds (default 5 s).")

        @Option(help: "The key's prefix (the 8 characters after rf_).")
        var prefix: String?
        @Option(help: "A host id: revoke all its keys.")
        var host: String?
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard (prefix == nil) != (host == nil) else {
                throw ValidationError("give exactly one of --prefix and --host")
            }
        }

        func run() async throws {
            let configuration = try database.configuration()
            if let prefix {
                let revoked = try await withPostgres(configuration) {
                    try await FleetStore(client: $0).revokeKey(prefix: prefix)
                }
                guard revoked else { throw ValidationError("no active key with prefix \(prefix)") }
                print("revoked key \(prefix)")
            } else if let host {
                let id = try KeysCommand.hostID(host)
                let count = try await withPostgres(configuration) {
                    try await FleetStore(client: $0).revokeKeys(hostID: id)
                }
                print("revoked \(count) key(s) of host \(host)")
            }
        }
    }
}
