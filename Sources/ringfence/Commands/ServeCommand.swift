import ArgumentParser
import Foundation
import Logging
import Metrics
import PostgresNIO
import Prometheus
import RingfenceDirectory
import RingfenceExport
import RingfenceHTTP
import RingfenceReports
import RingfenceServer
import RingfenceStore
import ServiceLifecycle
import UnixSignals

/// `ringfence serve`: the long-running service — the agent service over gRPC (with the
/// health service), Prometheus metrics on `/metrics`, the latest published policy
/// snapshot kept loaded (reloaded on every publish), directory sync on the configured
/// schedule, the weekly reports when the file has a `reports` section, the rollout plan
/// (promotions and holds, every `rollout.intervalSeconds`), exception expiry, the SCIM
/// listener when it has a `scim` section and the admin API when it has an `admin` section. Stops
/// gracefully on SIGTERM and SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the service: agent gRPC service, metrics, policy snapshot, scheduled directory sync."
    )

    @OptionGroup var config: ConfigurationOptions

    func run() async throws {
        let file = try config.load()
        guard let database = file.database else {
            throw ValidationError("no database: set database.url or RINGFENCE_DATABASE_URL")
        }
        let logger = Logger(label: "ringfence.serve")
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        let client = PostgresClient(configuration: database.clientConfiguration, backgroundLogger: quietPostgresLogger)
        let signer = try await withPostgres(database) { client in
            _ = try await Migrator(catalog: try MigrationCatalog.bundled()).appliedMigrations(on: client)
            return try await PolicySigner.load(from: SigningKeyStore(client: client))
        }
        let snapshots = PolicySnapshotCache()
        let fleet = FleetStore(client: client)
        let metrics = ServerMetrics()
        let dependencies = AgentService.Dependencies(
            fleet: fleet, directory: DirectoryStore(client: client), events: EventStore(client: client),
            snapshots: snapshots,
            evidence: EvidenceRecorder(fleet: fleet, resolutions: ResolutionStore(client: client)),
            metrics: metrics, signer: signer, exceptions: ExceptionStore(client: client))
        // Scheduled jobs run on one replica at a time: the holder of the job's lease.
        let holder = Self.holderName()
        let leases = JobLeaseStore(client: client)
        let leaseTTL = Duration.milliseconds(Int64(file.server.jobLeaseSeconds * 1_000))
        func led(_ job: String, _ service: any Service) -> any Service {
            LeaderElectedService(job: job, holder: holder, leases: leases, ttl: leaseTTL, service)
        }
        var services: [any Service] = [
            client,
            PolicyWatcherService(client: client, cache: snapshots),
            AgentServer(configuration: file.server, dependencies: dependencies),
            led("exception-expiry", PeriodicService.exceptionExpiry(client: client)),
            led("event-seals", PeriodicService.eventSeals(client: client, signer: signer)),
            led(
                "rollout",
                PeriodicService.rollout(
                    RolloutRound(client: client, staleAfter: file.server.staleAfter, metrics: metrics),
                    every: .seconds(file.rollout.intervalSeconds))),
        ]
        if let port = file.server.metricsPort {
            services.append(MetricsEndpoint(host: file.server.metricsHost, port: port, registry: registry))
        }
        if let reports = file.reports {
            services.append(led("weekly-reports", ReportScheduleService(client: client, configuration: reports)))
        }
        if let exceptions = file.exceptions, let delivery = exceptions.delivery {
            let notifier = ExceptionNotifier(
                client: client, smtp: delivery.smtp, from: delivery.from, approverGroup: exceptions.approverGroup)
            services.append(led("exception-mail", MailOutboxService(notifier: notifier)))
        }
        if let delivery = file.rollout.delivery {
            services.append(
                led(
                    "rollout-mail",
                    MailOutboxService(
                        notifier: RolloutNotifier(client: client, smtp: delivery.smtp, from: delivery.from))))
        }
        if let exports = file.exports, !exports.sinks.isEmpty {
            services.append(led("exports", ExportService(store: ExportStore(client: client), configuration: exports)))
        }
        if let scim = file.scim {
            services.append(ScimServer(configuration: scim, client: client))
        }
        if var admin = file.admin {
            admin.approverGroup = file.exceptions?.approverGroup
            var passwordCheck: ConsoleSettings.PasswordCheck?
            if let directory = file.directory {
                let check = LDAPPasswordCheck(options: directory.connectionOptions)
                passwordCheck = { try await check.verify(dn: $0, password: $1) }
            } else if let console = admin.console, console.oidc == nil {
                throw ValidationError(ConsoleUnavailable().description)
            }
            services.append(
                AdminServer(configuration: admin, client: client, snapshots: snapshots, passwordCheck: passwordCheck))
        }
        if let directory = file.directory {
            let engine = SyncEngine(
                configuration: directory, store: DirectoryStore(client: client), password: try directory.password())
            services.append(led("directory-sync", SyncService(engine: engine)))
        } else {
            logger.warning("no 'directory' section: directory sync is off")
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        logger.notice(
            "ringfence serving", metadata: ["database": "\(database.redactedDescription)", "replica": "\(holder)"])
        try await group.run()
    }

    /// This replica's name in job leases: host name, process id and a random suffix (a
    /// restarted process is a new holder).
    static func holderName() -> String {
        let suffix = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        return "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)/\(suffix)"
    }
}
