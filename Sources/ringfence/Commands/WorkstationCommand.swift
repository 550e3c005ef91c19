import ArgumentParser
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import RingfenceAdapters
import RingfenceAgent
import RingfenceCore
import RingfenceProto
import RingfenceWorkstation
import ServiceLifecycle
import UnixSignals

/// `ringfence workstation`: the reference agent side (`RingfenceAgent`), run by a service
/// account on each workstation: enrol once, then `run` as a service (systemd, launchd,
/// a Windows service) — or the single steps from a timer or an MDM script. See
/// docs/agents.md.
struct WorkstationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workstation",
        abstract:
            "Reference workstation agent: enrol, then run as a service (or fetch, heartbeat, send one at a time).",
        subcommands: [Enrol.self, Run.self, Fetch.self, Heartbeat.self, Send.self, RequestException.self]
    )

    /// Options every workstation command shares.
    struct Common: ParsableArguments {
        @OptionGroup var endpoint: ServerEndpoint
        @Option(help: "Workstation cache directory.")
        var cache: String = "/var/lib/ringfence"

        var store: WorkstationCache { WorkstationCache(directory: cache) }

        /// Runs `body` with a client on one connection.
        func client<Result: Sendable>(
            _ body: @Sendable (WorkstationClient<HTTP2ClientTransport.Posix>) async throws -> Result
        ) async throws -> Result {
            let store = store
            return try await endpoint.withClient { grpc in
                try await body(
                    WorkstationClient(agent: Ringfence_V1_AgentService.Client(wrapping: grpc), cache: store))
            }
        }
    }

    /// `--user`, `--agent` and `--install-dir`: whose policy, for which agent, installed where.
    struct PolicyTarget: ParsableArguments {
        @Option(help: "Agent to fetch native files for: claude-code, cursor, copilot, codex, gemini-cli or windsurf.")
        var agent: String
        @Option(help: "Directory user the policy is for (default $USER).")
        var user: String?
        @Option(
            name: .customLong("install-dir"),
            help: "Where the agent reads its managed files, e.g. /etc/claude-code (default: <cache>/native/<agent>).")
        var installDirectory: String?

        func validate() throws { _ = try WorkstationCommand.agentKind(agent) }

        func resolved(cache: String) throws -> (user: String, kind: AgentKind, directory: String) {
            let kind = try WorkstationCommand.agentKind(agent)
            let user = self.user ?? ProcessInfo.processInfo.environment["USER"] ?? ""
            guard !user.isEmpty else { throw ValidationError("no user: pass --user") }
            return (user, kind, installDirectory ?? "\(cache)/native/\(kind.rawValue)")
        }
    }

    static func agentKind(_ name: String) throws -> AgentKind {
        guard let kind = AgentKind(name: name) else {
            throw ValidationError(
                "--agent must be one of \(AgentKind.allCases.map(\.rawValue).joined(separator: ", ")), got '\(name)'")
        }
        return kind
    }

    static var osName: String {
        #if os(macOS)
            "macos"
        #else
            "linux"
        #endif
    }

    /// What heartbeats read the inventory from.
    struct InventoryOptions: ParsableArguments {
        @Option(help: "Directory users of this host (default $USER; comma-separated).")
        var users: [String] = []
        @Option(help: "Home directory whose agent configuration to read (default $HOME).")
        var home: String?
        @Option(
            name: .customLong("system-root"),
            help: "Prefix of system paths such as /etc/claude-code (for containers and tests; default none).")
        var systemRoot: String = ""
        @Option(
            name: .customLong("provisioned-by"),
            help: "Who provisioned this host, as the fleet lists it (jamf, intune, ansible, manual…; default none).")
        var provisionedBy: String = ""

        /// The inventory reader for this machine.
        func reader(cache: WorkstationCache) -> InventoryReader {
            let list = ContextOptions.split(users)
            let environment = ProcessInfo.processInfo.environment
            return InventoryReader(
                cache: cache, home: home ?? environment["HOME"] ?? "", systemRoot: systemRoot,
                hostname: ProcessInfo.processInfo.hostName, os: WorkstationCommand.osName,
                osVersion: ProcessInfo.processInfo.operatingSystemVersionString,
                installerVersion: Ringfence.configuration.version, provisioner: provisionedBy,
                users: list.isEmpty ? [environment["USER"] ?? ""].filter { !$0.isEmpty } : list)
        }
    }

    /// `workstation enrol`: trades a one-time token for this host's API key.
    struct Enrol: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Enrol this host with a one-time token; keeps the key in identity.json (0600) and the server's policy signing key."
        )

        @OptionGroup var common: Common
        @Option(help: "Enrolment token (ringfence keys enrol-token).")
        var token: String
        @Option(name: .customLong("machine-id"), help: "Stable machine id (default: /etc/machine-id).")
        var machineID: String?

        func run() async throws {
            let machine =
                machineID ?? (try? String(contentsOfFile: "/etc/machine-id", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            guard !machine.isEmpty else { throw ValidationError("no machine id: pass --machine-id") }
            var host = Ringfence_V1_HostIdentity()
            host.machineID = machine
            host.hostname = ProcessInfo.processInfo.hostName
            host.os = WorkstationCommand.osName
            let (token, identity) = (self.token, host)
            let response = try await common.client { client in
                try await client.enrol(token: token, host: identity, installerVersion: Ringfence.configuration.version)
            }
            print(
                "enrolled as host \(response.hostID) (ring \(response.ring == 0 ? "from users' groups" : "\(response.ring)")); key in \(common.store.identityPath)"
            )
        }
    }

    /// `workstation run`: the agent as a service.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Run as a service: heartbeats, policy kept fresh (WatchPolicy), queued events sent, key rotated before it expires.",
            discussion: "Stops on SIGTERM or SIGINT. Logs to standard error ($RINGFENCE_LOG_LEVEL, default notice).")

        @OptionGroup var common: Common
        @OptionGroup var target: PolicyTarget
        @OptionGroup var inventory: InventoryOptions
        @Option(name: .customLong("send-interval"), help: "How often to send the hook's queued events: 30s, 5m.")
        var sendInterval: TimeSpan = TimeSpan(seconds: 60)
        @Option(
            name: .customLong("check-interval"),
            help: "How often to look for repositories the hook met without a policy: 5s.")
        var checkInterval: TimeSpan = TimeSpan(seconds: 5)
        @Flag(name: .customLong("no-watch"), help: "Do not keep a WatchPolicy stream open (rely on heartbeats).")
        var noWatch = false

        func run() async throws {
            let (user, kind, directory) = try target.resolved(cache: common.cache)
            let reader = inventory.reader(cache: common.store)
            let options = WorkstationRun<HTTP2ClientTransport.Posix>.Options(
                user: user, agentKind: kind, installDirectory: directory,
                settings: AgentSchedule.Settings(
                    sendInterval: sendInterval.seconds, checkInterval: checkInterval.seconds),
                watch: !noWatch, inventory: { Ringfence_V1_Inventory(reader.read()) })
            let logger = Logger(label: "ringfence.workstation")
            try await common.client { client in
                let run = WorkstationRun(client: client, options: options, logger: logger)
                let group = ServiceGroup(
                    configuration: .init(
                        services: [.init(service: run)], gracefulShutdownSignals: [.sigterm, .sigint],
                        logger: logger))
                try await group.run()
            }
        }
    }

    /// `workstation fetch`: the user's resolved policies for the hook, and the agent's
    /// native files, installed where the agent reads them.
    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch the user's policies (signed, for the hook) and an agent's native managed files.")

        @OptionGroup var common: Common
        @OptionGroup var target: PolicyTarget
        @Option(
            help:
                "Repository slug to fetch the policy of (default: the policy outside repositories, then every repository the host has a policy for or the hook worked in)."
        )
        var repo: String?

        func run() async throws {
            let (user, kind, directory) = try target.resolved(cache: common.cache)
            let repo = self.repo
            let report = try await common.client { client in
                try await client.fetch(user: user, agentKind: kind, installDirectory: directory, repository: repo)
            }
            for line in report.lines { print(line) }
            for file in report.installed { print("  \(file.path)  sha256 \(file.sha256)") }
        }
    }

    /// `workstation heartbeat`: reports the host's inventory once.
    struct Heartbeat: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a heartbeat with the inventory (agents, hook state, managed files' hashes, repositories).")

        @OptionGroup var common: Common
        @OptionGroup var options: InventoryOptions

        func run() async throws {
            let inventory = Ringfence_V1_Inventory(options.reader(cache: common.store).read())
            let response = try await common.client { client in try await client.heartbeat(inventory: inventory) }
            print(
                "heartbeat sent (\(inventory.agents.count) agent(s), \(inventory.mcpServers.count) MCP server(s)); server policy revision \(response.policyRevision), next in \(response.nextHeartbeatSeconds) s"
            )
        }
    }

    /// `workstation send`: sends the events the hook queued.
    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send the audit events the hook queued (ReportEvents).")

        @OptionGroup var common: Common

        func run() async throws {
            let report = try await common.client { client in try await client.send() }
            for rejected in report.rejected.prefix(5) { print("  rejected \(rejected)") }
            print(
                "sent \(report.events) event(s): \(report.stored) stored, \(report.duplicates) duplicate, \(report.rejected.count) rejected"
                    + (report.unreadable > 0 ? ", \(report.unreadable) unreadable line(s) dropped" : ""))
        }
    }

    struct RequestException: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "request-exception",
            abstract: "Ask for an exception to a rule the hook applied, in one repository, for a while.")
        @Option(help: "The rule, PACK/RULE-ID, as the hook's message names it.") var rule: String
        @Option(help: "The repository slug (default: the repository of the current directory).") var repo: String?
        @Option(help: "Why it is needed (10 to 2,000 characters); approvers read it.") var justification: String
        @Option(help: "How long it lasts once approved: 30m, 4h, 2d (5 minutes to 30 days).")
        var duration: TimeSpan = TimeSpan(seconds: 4 * 3_600)
        @Option(help: "Directory user asking (default $USER).") var user: String?
        @OptionGroup var common: Common

        func run() async throws {
            let user = self.user ?? ProcessInfo.processInfo.environment["USER"] ?? ""
            guard !user.isEmpty else { throw ValidationError("no user: pass --user") }
            let cwd = FileManager.default.currentDirectoryPath
            guard let repo = repo ?? GitRepository.containing(cwd)?.slug else {
                throw ValidationError("\(cwd) is not in a git repository with a remote: pass --repo")
            }
            let (rule, justification, duration) = (self.rule, self.justification, self.duration.seconds)
            let (id, message) = try await common.client { client in
                try await client.requestException(
                    user: user, rule: rule, repo: repo, justification: justification, duration: duration)
            }
            print("request \(id) for \(rule) in \(repo): \(message)")
        }
    }
}
