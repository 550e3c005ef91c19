import Foundation
import GRPCCore
import Logging
import RingfenceAdapters
import RingfenceCore
import RingfenceProto
import RingfenceStore
import SwiftProtobuf

/// The gRPC service agents call (`ringfence.v1.AgentService`, proto/ringfence/v1/agent.proto):
/// enrolment, heartbeats with inventory, policy at login and audit events.
///
/// Every call but `Enroll` is authenticated by `AgentAuthenticator` and may only act for
/// the host its key belongs to. Policy is resolved from the in-memory snapshot
/// (`PolicySnapshotCache`), so fetches keep being answered while PostgreSQL is away;
/// events are acknowledged only once PostgreSQL has committed them.
public struct AgentService: Ringfence_V1_AgentService.ServiceProtocol {
    /// Where the service keeps and finds things.
    public struct Dependencies: Sendable {
        public var fleet: FleetStore
        public var directory: DirectoryStore
        public var events: EventStore
        public var snapshots: PolicySnapshotCache
        public var evidence: EvidenceRecorder
        public var metrics: ServerMetrics

        public init(fleet: FleetStore, directory: DirectoryStore, events: EventStore, snapshots: PolicySnapshotCache,
                    evidence: EvidenceRecorder, metrics: ServerMetrics) {
            self.fleet = fleet
            self.directory = directory
            self.events = events
            self.snapshots = snapshots
            self.evidence = evidence
            self.metrics = metrics
        }
    }

    let configuration: AgentServerConfiguration
    let dependencies: Dependencies
    let authenticator: AgentAuthenticator
    let enrollLimiter: RateLimiter
    let validator: AuditEventValidator
    let users: ExpiringCache<String, UserFacts>
    let hosts: ExpiringCache<UUID, HostPolicyFacts?>
    let trust: ExpiringCache<String, RepoTrust?>
    let logger: Logger

    struct UserFacts: Sendable {
        var groups: [String]
        var roles: [String]
    }

    public init(configuration: AgentServerConfiguration, dependencies: Dependencies,
                logger: Logger = Logger(label: "ringfence.agent-service")) {
        self.configuration = configuration
        self.dependencies = dependencies
        let fleet = dependencies.fleet
        self.authenticator = AgentAuthenticator(
            lookup: { try await fleet.apiKey(prefix: $0) }, cacheSeconds: configuration.cacheSeconds,
            limiter: RateLimiter(rate: configuration.rateLimitPerSecond, burst: configuration.rateLimitBurst))
        self.enrollLimiter = RateLimiter(rate: configuration.enrollPerSecond, burst: configuration.enrollBurst)
        self.validator = AuditEventValidator(maxAge: configuration.eventMaxAge, maxFuture: configuration.eventMaxFuture)
        // Facts for resolution may be served a reload's time past their lifetime; keys may not.
        self.users = ExpiringCache(lifetime: configuration.cacheSeconds, servesStale: true)
        self.hosts = ExpiringCache(lifetime: configuration.cacheSeconds, servesStale: true)
        self.trust = ExpiringCache(lifetime: configuration.cacheSeconds, servesStale: true)
        self.logger = logger
    }

    // MARK: Enroll

    public func enroll(request: ServerRequest<Ringfence_V1_EnrollRequest>, context: ServerContext) async throws
        -> ServerResponse<Ringfence_V1_EnrollResponse> {
        try await dependencies.metrics.observe("Enroll") {
            let message = request.message
            if let wait = enrollLimiter.admit(Self.clientAddress(context.remotePeer)) {
                throw RPCError(code: .resourceExhausted, message: "too many enrolment attempts; retry in \(String(format: "%.1f", wait)) s")
            }
            guard let token = EnrollmentToken(parsing: message.enrollmentToken) else {
                throw RPCError(code: .unauthenticated, message: "malformed enrolment token: expected rfe_<43 characters>")
            }
            let host = message.host
            guard !host.machineID.isEmpty, host.machineID.utf8.count <= 256 else {
                throw RPCError(code: .invalidArgument, message: "host.machine_id must be 1 to 256 bytes")
            }
            guard !host.hostname.isEmpty, host.hostname.utf8.count <= 256 else {
                throw RPCError(code: .invalidArgument, message: "host.hostname must be 1 to 256 bytes")
            }
            try TextCheck.require([("host.machine_id", host.machineID), ("host.hostname", host.hostname), ("host.os", host.os),
                                   ("host.os_version", host.osVersion), ("host.arch", host.arch),
                                   ("installer_version", message.installerVersion)])
            let key = APIKey.generate()
            let now = Date()
            let expires = now.addingTimeInterval(configuration.keyLifetime)
            let enrollment: Enrollment
            do {
                enrollment = try await dependencies.fleet.enroll(
                    tokenHash: token.hash,
                    host: HostIdentityRow(machineID: host.machineID, hostname: host.hostname, os: host.os, osVersion: host.osVersion,
                                          arch: host.arch, installerVersion: message.installerVersion),
                    keyPrefix: key.prefix, keyHash: key.hash, keyExpiresAt: expires, now: now)
            } catch FleetStore.EnrollmentError.invalidToken {
                throw RPCError(code: .unauthenticated, message: "the enrolment token is unknown, already used or expired")
            } catch {
                throw Self.unavailable("enrol", error, logger: logger)
            }
            logger.notice("host enrolled", metadata: [
                "host": "\(enrollment.hostID)", "hostname": "\(host.hostname)", "key": "\(key.prefix)",
                "reenrolled": "\(enrollment.reenrolled)",
            ])
            var response = Ringfence_V1_EnrollResponse()
            response.hostID = enrollment.hostID.uuidString.lowercased()
            response.apiKey = key.text
            response.keyExpiresAt = Google_Protobuf_Timestamp(date: expires)
            response.ring = Int32(enrollment.ring?.number ?? 0)
            return ServerResponse(message: response)
        }
    }

    // MARK: Heartbeat

    public func heartbeat(request: ServerRequest<Ringfence_V1_HeartbeatRequest>, context: ServerContext) async throws
        -> ServerResponse<Ringfence_V1_HeartbeatResponse> {
        try await dependencies.metrics.observe("Heartbeat") {
            let caller = try await authenticator.authenticate(request.metadata)
            try caller.requireHost(request.message.hostID)
            let inventory = try Self.inventory(request.message.inventory)
            let now = Date()
            do {
                let drifted = try await driftedFiles(hostID: caller.hostID, inventory: inventory)
                let changes = try await dependencies.fleet.recordHeartbeat(hostID: caller.hostID, inventory: inventory, drifted: drifted,
                                                                           at: now)
                if !changes.isEmpty {
                    logger.info("host inventory changed", metadata: [
                        "host": "\(caller.hostID)", "changes": "\(changes.map { "\($0.field): \($0.oldValue ?? "-") → \($0.newValue ?? "-")" })",
                    ])
                }
            } catch {
                throw Self.unavailable("record the heartbeat", error, logger: logger)
            }
            var response = Ringfence_V1_HeartbeatResponse()
            response.serverTime = Google_Protobuf_Timestamp(date: now)
            response.nextHeartbeatSeconds = Int32(configuration.heartbeatSeconds)
            response.policyRevision = await dependencies.snapshots.current?.revision ?? 0
            return ServerResponse(message: response)
        }
    }

    /// The host's managed files that differ from what FetchPolicy last served it; no
    /// lookup when no agent reports its files.
    func driftedFiles(hostID: UUID, inventory: HostInventory) async throws -> [String] {
        let reports = inventory.agents.filter { !$0.managedConfigHash.isEmpty || !$0.managedFiles.isEmpty }
            .map { DriftCheck.Report(agent: $0.kind, digest: $0.managedConfigHash, files: $0.managedFiles) }
        guard !reports.isEmpty else { return [] }
        let served = try await dependencies.fleet.servedNativeFiles(hostID: hostID)
        let check = DriftCheck(served: served.mapValues { files in ManagedFiles(files.map { ($0.key, $0.value) }) })
        return check.drifted(reports)
    }

    // MARK: FetchPolicy

    public func fetchPolicy(request: ServerRequest<Ringfence_V1_FetchPolicyRequest>, context: ServerContext) async throws
        -> ServerResponse<Ringfence_V1_FetchPolicyResponse> {
        try await dependencies.metrics.observe("FetchPolicy") {
            let caller = try await authenticator.authenticate(request.metadata)
            let message = request.message
            try caller.requireHost(message.hostID)
            guard let snapshot = await dependencies.snapshots.current else {
                throw RPCError(code: .unavailable, message: "no policy is loaded yet (none published, or PostgreSQL not reached); retry")
            }
            let now = Date()
            let decision = try await decisionContext(message.context, hostID: caller.hostID, now: now)
            let resolution = snapshot.resolve(decision)
            dependencies.evidence.noteFetch(hostID: caller.hostID, at: now, etag: resolution.etag)
            var response = Ringfence_V1_FetchPolicyResponse()
            response.etag = resolution.etag
            response.ring = Int32(resolution.ring.number)
            response.revision = resolution.revision
            if !message.ifNoneMatch.isEmpty && message.ifNoneMatch == resolution.etag {
                response.notModified = true
                return ServerResponse(message: response)
            }
            let fingerprint = decision.fingerprint
            let traceID = EvidenceRecorder.traceID(hostID: caller.hostID, fingerprint: fingerprint, etag: resolution.etag,
                                                   revision: resolution.revision)
            // The trace is built only when asked for, or the first time this resolution is stored.
            dependencies.evidence.noteResolution(id: traceID, hostID: caller.hostID, resolution: resolution, fingerprint: fingerprint,
                                                 at: now) {
                Self.traceJSON(resolution.traceLines)
            }
            response.traceID = traceID.uuidString.lowercased()
            response.surfaces = resolution.surfaces.map(\.proto)
            if message.includeTrace { response.trace = resolution.traceLines.map(\.proto) }
            if message.includeNativeConfig {
                response.nativeFiles = try await nativeFiles(for: resolution, agentKind: message.context.agentKind, hostID: caller.hostID,
                                                             now: now)
            }
            return ServerResponse(message: response)
        }
    }

    /// The agent's managed files rendered from a resolution, recorded as served to the
    /// host (for drift checks). A failure to record is logged, not the caller's problem:
    /// the host then keeps being compared with what it was served before.
    func nativeFiles(for resolution: Resolution, agentKind: String, hostID: UUID, now: Date) async throws
        -> [Ringfence_V1_NativeConfigFile] {
        guard let agent = AgentKind(name: agentKind) else {
            throw RPCError(code: .invalidArgument, message: "include_native_config needs context.agent_kind, one of "
                           + AgentKind.allCases.map(\.rawValue).joined(separator: ", ") + "; got '\(agentKind.prefix(64))'")
        }
        let rendered = NativeAdapters.render(agent, policy: AgentPolicy(resolution), options: configuration.adapters)
        do {
            try await dependencies.fleet.recordServedNativeFiles(
                hostID: hostID, agentKind: agent.rawValue, files: rendered.files.map { ($0.name, $0.sha256) }, etag: resolution.etag, at: now)
        } catch {
            logger.warning("could not record the native files served", metadata: ["host": "\(hostID)", "error": "\(error)"])
        }
        return rendered.files.map { file in
            var wire = Ringfence_V1_NativeConfigFile()
            wire.agentKind = agent.rawValue
            wire.name = file.name
            wire.content = Data(file.content.utf8)
            wire.sha256 = file.sha256
            return wire
        }
    }

    /// The decision context of an agent's fetch: the user, repository, agent and surfaces
    /// it names; groups and roles from the directory, ring and tags from the fleet.
    /// Groups, roles, ring and tags the agent sends itself are ignored.
    func decisionContext(_ wire: Ringfence_V1_DecisionContext, hostID: UUID, now: Date) async throws -> DecisionContext {
        guard !wire.user.isEmpty, wire.user.utf8.count <= 256 else {
            throw RPCError(code: .invalidArgument, message: "context.user must be 1 to 256 bytes")
        }
        guard wire.repo.utf8.count <= 512, wire.agentKind.utf8.count <= 64, wire.surfaces.count <= 64 else {
            throw RPCError(code: .invalidArgument, message: "context.repo, agent_kind or surfaces too long")
        }
        try TextCheck.require([("context.user", wire.user), ("context.repo", wire.repo), ("context.agent_kind", wire.agentKind)])
        var surfaceList: [Surface] = []
        for name in wire.surfaces {
            guard let surface = Surface(rawValue: name) else {
                throw RPCError(code: .invalidArgument, message: "context.surfaces: '\(name.prefix(64))' is not a surface name")
            }
            surfaceList.append(surface)
        }
        let fleet = dependencies.fleet
        let directory = dependencies.directory
        do {
            let host = try await hosts.value(for: hostID, now: now) { try await fleet.policyFacts(hostID: hostID) }
            let userKey = wire.user.lowercased()
            let user = try await users.value(for: userKey, now: now) {
                let facts = try await directory.facts(user: userKey)
                return UserFacts(groups: facts?.groups ?? [], roles: facts?.roles ?? [])
            }
            var repoTrust = RepoTrust(proto: wire.repoTrust)
            if repoTrust == nil, !wire.repo.isEmpty {
                let slug = wire.repo
                repoTrust = try await trust.value(for: slug, now: now) { try await fleet.repoTrust(slug: slug) }
            }
            return DecisionContext(user: wire.user, groups: user.groups, roles: user.roles, hostRing: host?.ring,
                                   hostTags: host?.tags ?? [], repo: wire.repo, trust: repoTrust, agent: wire.agentKind,
                                   surfaces: surfaceList, at: now)
        } catch {
            throw Self.unavailable("look up the user's groups and the host's ring", error, logger: logger)
        }
    }

    static func traceJSON(_ lines: [TraceLine]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(lines)).flatMap { String(data: $0, encoding: .utf8) } ?? "[]"
    }

    // MARK: ReportEvents

    public func reportEvents(request: StreamingServerRequest<Ringfence_V1_ReportEventsRequest>, context: ServerContext) async throws
        -> ServerResponse<Ringfence_V1_ReportEventsResponse> {
        try await dependencies.metrics.observe("ReportEvents") {
            let caller = try await authenticator.authenticate(request.metadata)
            var response = Ringfence_V1_ReportEventsResponse()
            var pending: [AuditEventRow] = []
            var seenInStream = Set<String>()
            var rejectedCount = 0
            func flush() async throws {
                guard !pending.isEmpty else { return }
                let batch = pending
                pending.removeAll(keepingCapacity: true)
                do {
                    let outcome = try await dependencies.events.store(batch)
                    response.stored += Int64(outcome.stored)
                    response.duplicates += Int64(outcome.duplicates)
                    dependencies.metrics.eventsStored.increment(by: outcome.stored)
                    dependencies.metrics.eventsDuplicate.increment(by: outcome.duplicates)
                } catch {
                    throw Self.unavailable("store events (\(response.stored) of this stream were stored; resend the rest — ids make resending safe)",
                                           error, logger: logger)
                }
            }
            for try await message in request.messages {
                try caller.requireHost(message.hostID)
                let now = Date()
                for event in message.events {
                    response.received += 1
                    switch validator.validate(event, hostID: caller.hostID, now: now) {
                    case .success(let row):
                        if seenInStream.insert(row.eventID).inserted {
                            pending.append(row)
                        } else {
                            response.duplicates += 1
                            dependencies.metrics.eventsDuplicate.increment()
                        }
                    case .failure(let rejection):
                        rejectedCount += 1
                        if response.rejected.count < 100 {
                            var rejected = Ringfence_V1_RejectedEvent()
                            rejected.eventID = String(event.eventID.prefix(128))
                            rejected.reason = rejection.reason
                            response.rejected.append(rejected)
                        }
                    }
                }
                if pending.count >= configuration.eventBatchSize { try await flush() }
            }
            try await flush()
            dependencies.metrics.eventsRejected.increment(by: rejectedCount)
            if rejectedCount > 0 {
                logger.info("events rejected", metadata: ["host": "\(caller.hostID)", "count": "\(rejectedCount)",
                                                          "first": "\(response.rejected.first?.reason ?? "")"])
            }
            return ServerResponse(message: response)
        }
    }

    // MARK: RotateKey

    public func rotateKey(request: ServerRequest<Ringfence_V1_RotateKeyRequest>, context: ServerContext) async throws
        -> ServerResponse<Ringfence_V1_RotateKeyResponse> {
        try await dependencies.metrics.observe("RotateKey") {
            let caller = try await authenticator.authenticate(request.metadata)
            try caller.requireHost(request.message.hostID)
            let key = APIKey.generate()
            let now = Date()
            let expires = now.addingTimeInterval(configuration.keyLifetime)
            let previousUntil: Date
            do {
                previousUntil = try await dependencies.fleet.rotateKey(
                    hostID: caller.hostID, presentedPrefix: caller.keyPrefix, newPrefix: key.prefix, newHash: key.hash,
                    expiresAt: expires, previousValidUntil: now.addingTimeInterval(configuration.rotationOverlap), now: now)
            } catch {
                throw Self.unavailable("rotate the key", error, logger: logger)
            }
            authenticator.forget(prefix: caller.keyPrefix)
            logger.notice("API key rotated", metadata: ["host": "\(caller.hostID)", "old": "\(caller.keyPrefix)", "new": "\(key.prefix)"])
            var response = Ringfence_V1_RotateKeyResponse()
            response.apiKey = key.text
            response.expiresAt = Google_Protobuf_Timestamp(date: expires)
            response.previousKeyValidUntil = Google_Protobuf_Timestamp(date: previousUntil)
            return ServerResponse(message: response)
        }
    }

    // MARK: Helpers

    /// A store failure as the client sees it (UNAVAILABLE: retry later), logged in full here.
    static func unavailable(_ action: String, _ error: any Error, logger: Logger) -> RPCError {
        if let error = error as? RPCError { return error }
        logger.error("could not \(action)", metadata: ["error": "\(String(reflecting: error))"])
        return RPCError(code: .unavailable, message: "could not \(action) now; retry")
    }

    /// The address part of a gRPC peer (`ipv4:127.0.0.1:5000` → `ipv4:127.0.0.1`).
    static func clientAddress(_ peer: String) -> String {
        guard let colon = peer.lastIndex(of: ":"), peer.hasPrefix("ipv") else { return peer }
        return String(peer[..<colon])
    }

    /// The inventory of a heartbeat, checked for size.
    static func inventory(_ wire: Ringfence_V1_Inventory) throws(RPCError) -> HostInventory {
        guard !wire.hostname.isEmpty else { throw RPCError(code: .invalidArgument, message: "inventory.hostname is empty") }
        var text: [(name: String, value: String)] = [("inventory.hostname", wire.hostname), ("inventory.os", wire.os),
                                                     ("inventory.os_version", wire.osVersion), ("inventory.installer_version", wire.installerVersion),
                                                     ("inventory.provider", wire.provider)]
        text += wire.users.map { ("inventory.users", $0) }
        text += wire.agents.flatMap { agent in
            [("inventory.agents.kind", agent.kind), ("inventory.agents.version", agent.version), ("inventory.agents.hook_version", agent.hookVersion),
             ("inventory.agents.managed_config_hash", agent.managedConfigHash)]
                + agent.managedFiles.flatMap { [("inventory.agents.managed_files", $0.name), ("inventory.agents.managed_files", $0.sha256)] }
        }
        text += wire.mcpServers.flatMap { server in
            [("inventory.mcp_servers", server.name), ("inventory.mcp_servers", server.agentKind), ("inventory.mcp_servers", server.transport),
             ("inventory.mcp_servers", server.endpoint), ("inventory.mcp_servers", server.scope)]
        }
        text += wire.repos.flatMap { [("inventory.repos.slug", $0.slug), ("inventory.repos.remote_url", $0.remoteURL)] }
        try TextCheck.require(text)
        guard wire.agents.count <= 64, wire.mcpServers.count <= 1_024, wire.repos.count <= 4_096, wire.users.count <= 256 else {
            throw RPCError(code: .invalidArgument, message: "inventory too large (limits: 64 agents, 1024 MCP servers, 4096 repos, 256 users)")
        }
        let agents = wire.agents.map { agent in
            HostInventory.Agent(kind: agent.kind.lowercased(), version: agent.version, hookState: Self.hookState(agent.hookState),
                                hookVersion: agent.hookVersion, managedConfigHash: agent.managedConfigHash,
                                managedFiles: Dictionary(agent.managedFiles.map { ($0.name, $0.sha256) }, uniquingKeysWith: { _, last in last }))
        }
        if wire.agents.contains(where: { $0.managedFiles.count > 64 }) {
            throw RPCError(code: .invalidArgument, message: "inventory.agents: more than 64 managed files for one agent")
        }
        if let empty = agents.first(where: { $0.kind.isEmpty }) {
            throw RPCError(code: .invalidArgument, message: "inventory.agents: an agent has no kind (version '\(empty.version.prefix(32))')")
        }
        return HostInventory(
            hostname: wire.hostname, os: wire.os, osVersion: wire.osVersion, installerVersion: wire.installerVersion,
            provider: wire.provider, users: wire.users, agents: agents,
            mcpServers: wire.mcpServers.map {
                .init(agentKind: $0.agentKind.lowercased(), name: $0.name, transport: $0.transport, endpoint: $0.endpoint, scope: $0.scope)
            },
            repos: wire.repos.map {
                .init(slug: $0.slug, remoteURL: $0.remoteURL, managed: $0.managed, lastSeen: $0.hasLastSeen ? $0.lastSeen.date : Date())
            })
    }

    static func hookState(_ state: Ringfence_V1_HookState) -> String {
        switch state {
        case .installed: "installed"
        case .missing: "missing"
        case .disabled: "disabled"
        case .outdated: "outdated"
        case .error: "error"
        case .unspecified, .UNRECOGNIZED: "unknown"
        }
    }
}
