import ArgumentParser
import RingfenceStore

/// The `--database-url` option shared by every command that talks to PostgreSQL.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("database-url"),
        help: ArgumentHelp(
            "PostgreSQL URL, postgres://user[:password]@host[:port]/database.",
            discussion: "Defaults to $RINGFENCE_DATABASE_URL."
        )
    )
    var url: String?

    /// The parsed configuration, from the flag or the environment.
    func configuration(environment: [String: String] = EnvironmentReader.current) throws -> DatabaseConfiguration {
        guard let text = url ?? environment["RINGFENCE_DATABASE_URL"] else {
            throw ValidationError("no database: pass --database-url or set RINGFENCE_DATABASE_URL")
        }
        return try DatabaseConfiguration(url: text)
    }
}
