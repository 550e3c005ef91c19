import Foundation
import GRPCCore
import Logging
import RingfenceAdapters
import RingfenceCore
import RingfenceProto
import RingfenceWorkstation
import ServiceLifecycle

/// `ringfence workstation run`: the agent as a service. Follows `AgentSchedule` —
/// heartbeats at the server's interval with a fresh inventory, fetches when the server's
/// revision differs from the held one (announced within seconds by `WatchPolicy`, or by
/// the next heartbeat), when the hook met a new repository, and conditionally after each
/// heartbeat; sends the hook's queue; rotates the key two thirds into its lifetime. Runs
/// until cancelled or a graceful shutdown (SIGTERM); a failed step is retried with a
/// growing delay and logged.
public struct WorkstationRun<Transport: ClientTransport>: Service {
    /// What the run fetches and reports.
    public struct Options: Sendable {
        public var user: String
        public var agentKind: AgentKind
        public var installDirectory: String
        public var settings: AgentSchedule.Settings
        /// Keep a WatchPolicy stream open so publishes arrive at once.
        public var watch: Bool
        /// The inventory each heartbeat carries, read anew each time.
        public var inventory: @Sendable () -> Ringfence_V1_Inventory

        public init(
            user: String, agentKind: AgentKind, installDirectory: String, settings: AgentSchedule.Settings,
            watch: Bool, inventory: @escaping @Sendable () -> Ringfence_V1_Inventory
        ) {
            self.user = user
            self.agentKind = agentKind
            self.installDirectory = installDirectory
            self.settings = settings
            self.watch = watch
            self.inventory = inventory
        }
    }

    let client: WorkstationClient<Transport>
    let options: Options
    let logger: Logger

    public init(client: WorkstationClient<Transport>, options: Options, logger: Logger) {
        self.client = client
        self.options = options
        self.logger = logger
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            let bell = Doorbell()
            try await withThrowingTaskGroup(of: Void.self) { group in
                if options.watch {
                    group.addTask { await watch(bell: bell) }
                }
                group.addTask { try await loop(bell: bell) }
                try await group.next()
                group.cancelAll()
            }
        }
    }

    /// The schedule the run starts from: the revision held in the cache, the key's times.
    func initialSchedule(now: Date) throws -> AgentSchedule {
        let cache = client.cache
        let held = try? cache.read(AgentPolicy.self, at: cache.policyPath).revision
        let identity = try client.identity().0
        // A key of unknown age is rotated at once.
        let key = (identity.keyIssuedAt ?? .distantPast, identity.keyExpiresAt ?? now)
        return AgentSchedule(settings: options.settings, now: now, heldRevision: held, key: key)
    }

    func loop(bell: Doorbell) async throws {
        var schedule = try initialSchedule(now: Date())
        while !Task.isCancelled {
            if let revision = bell.takeRevision() { schedule.announced(revision: revision) }
            let now = Date()
            let action = schedule.next(now: now)
            if case .wait(let until) = action {
                await bell.wait(until: .now + .seconds(max(0, until.timeIntervalSince(now))))
                continue
            }
            do {
                try await perform(action, on: &schedule, now: now)
            } catch is CancellationError {
                return
            } catch {
                schedule.failed(at: Date())
                logger.warning(
                    "workstation step failed; retrying",
                    metadata: [
                        "step": "\(action)", "error": "\(error)",
                        "retry_in": "\(Int(schedule.retryAt.map { $0.timeIntervalSinceNow } ?? 0)) s",
                    ])
            }
        }
    }

    func perform(_ action: AgentSchedule.Action, on schedule: inout AgentSchedule, now: Date) async throws {
        switch action {
        case .rotateKey:
            let key = try await client.rotateKey(now: now)
            schedule.rotated(issued: key.issued, expires: key.expires)
            logger.notice("API key rotated", metadata: ["expires": "\(key.expires.formatted(.iso8601))"])
        case .heartbeat:
            let answer = try await client.heartbeat(inventory: options.inventory(), now: now)
            schedule.heartbeatAnswered(
                at: Date(), intervalSeconds: Int(answer.nextHeartbeatSeconds), revision: answer.policyRevision)
            logger.info("heartbeat", metadata: ["server_revision": "\(answer.policyRevision)"])
        case .fetch:
            let report = try await client.fetch(
                user: options.user, agentKind: options.agentKind, installDirectory: options.installDirectory)
            schedule.fetched(revision: report.revision)
            for line in report.lines where !line.hasSuffix(" unchanged") { logger.notice("\(line)") }
        case .send:
            let report = try await client.send()
            schedule.sent(at: Date())
            if report.events > 0 {
                logger.info(
                    "events sent",
                    metadata: [
                        "events": "\(report.events)", "stored": "\(report.stored)",
                        "rejected": "\(report.rejected.count)",
                    ])
            }
        case .checkRepositories:
            schedule.checkedRepositories(at: now, found: !client.cache.repositories().seen.isEmpty)
        case .wait:
            break
        }
    }

    /// Keeps a WatchPolicy stream open, reconnecting with a growing delay; each announced
    /// revision is handed to the loop and wakes it.
    func watch(bell: Doorbell) async {
        var delay: Double = options.settings.retryBase
        while !Task.isCancelled {
            do {
                try await client.watch { bell.ring(revision: $0) }
                delay = options.settings.retryBase
            } catch {
                if Task.isCancelled { return }
                logger.info("policy watch interrupted; reconnecting", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: .seconds(delay))
            delay = min(options.settings.retryMax, delay * 2)
        }
    }
}
