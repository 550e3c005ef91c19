import ArgumentParser
import Foundation

/// `--server URL`: work through a running server's admin API (docs/admin-api.md) instead
/// of the database, with the admin token of `--token-file` or `$RINGFENCE_ADMIN_TOKEN`. The
/// token's person is the actor of what is published.
struct AdminServerOptions: ParsableArguments {
    @Option(
        name: .customLong("server"),
        help: ArgumentHelp(
            "The admin API's URL, e.g. https://ringfence.example.com:8444; without it the database is used.",
            discussion: "The token comes from --token-file or $RINGFENCE_ADMIN_TOKEN."))
    var url: String?

    @Option(name: .customLong("token-file"), help: "A file holding the admin API token (with --server).")
    var tokenFile: String?

    /// The client of the API; nil without `--server`.
    func client(environment: [String: String] = EnvironmentReader.current) throws -> RemoteAdmin? {
        guard let url else {
            if tokenFile != nil { throw ValidationError("--token-file is only used with --server") }
            return nil
        }
        guard let parsed = URL(string: url), parsed.scheme == "https" || parsed.scheme == "http", parsed.host != nil
        else { throw ValidationError("--server must be the admin API's URL, e.g. https://ringfence.example.com:8444") }
        let token: String
        if let tokenFile {
            guard let text = try? String(contentsOfFile: tokenFile, encoding: .utf8) else {
                throw ValidationError("--token-file: cannot read \(tokenFile)")
            }
            token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        } else if let text = environment["RINGFENCE_ADMIN_TOKEN"], !text.isEmpty {
            token = text
        } else {
            throw ValidationError("--server needs a token: --token-file FILE or $RINGFENCE_ADMIN_TOKEN")
        }
        return RemoteAdmin(serverURL: parsed, token: token)
    }
}
