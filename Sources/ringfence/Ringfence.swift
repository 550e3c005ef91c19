import ArgumentParser

/// The `ringfence` command: every operation of the service, one subcommand each.
@main
struct Ringfence: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ringfence",
        abstract: "Roll out AI coding agents in rings: directory sync, policy resolution, agent protocol, reports.",
        version: "0.1.0",
        subcommands: [
            MigrateCommand.self,
            StatusCommand.self,
        ]
    )
}
