import ArgumentParser
import Foundation
import Logging

/// The `ringfence` command: every operation of the service, one subcommand each.
@main
struct Ringfence: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ringfence",
        abstract: "Roll out AI coding agents in rings: directory sync, policy resolution, agent protocol, reports.",
        discussion:
            "Logs go to standard error at the level of $RINGFENCE_LOG_LEVEL (trace, debug, info, notice, warning, error; default notice).",
        version: "0.1.0",
        subcommands: [
            MigrateCommand.self,
            StatusCommand.self,
            ResolveCommand.self,
            ExplainCommand.self,
            TestPolicyCommand.self,
            ApplyCommand.self,
            RevisionsCommand.self,
            HistoryCommand.self,
            RollbackCommand.self,
            RetentionCommand.self,
            SyncCommand.self,
            ServeCommand.self,
            ReportCommand.self,
            KeysCommand.self,
            ScimCommand.self,
            ExceptionsCommand.self,
            RolloutCommand.self,
            EventsCommand.self,
            IncidentCommand.self,
            ExportCommand.self,
            FleetCommand.self,
            HostsCommand.self,
            AgentSimCommand.self,
            HealthCommand.self,
            RenderCommand.self,
            HookCommand.self,
            WorkstationCommand.self,
        ]
    )

    static func main() async {
        let level = EnvironmentReader.current["RINGFENCE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .notice
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        // Parse errors get the usage; errors while running get their message only.
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // --help, --version and the like end the run cleanly, as ArgumentParser prints them.
            if exitCode(for: error).isSuccess { exit(withError: error) }
            let failure = CommandFailure(error, message: message(for: error))
            if !failure.message.isEmpty { FileHandle.standardError.write(Data("error: \(failure.message)\n".utf8)) }
            exit(withError: ExitCode(failure.exitCode))
        }
    }
}
