import ArgumentParser
import Logging

/// The `ringfence` command: every operation of the service, one subcommand each.
@main
struct Ringfence: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ringfence",
        abstract: "Roll out AI coding agents in rings: directory sync, policy resolution, agent protocol, reports.",
        discussion: "Logs go to standard error at the level of $RINGFENCE_LOG_LEVEL (trace, debug, info, notice, warning, error; default notice).",
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
            FleetCommand.self,
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
        await Self.main(nil)
    }
}
