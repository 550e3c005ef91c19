import Foundation
import GRPCCore
import RingfenceAdapters
import RingfenceCore
import RingfenceProto
import RingfenceWorkstation
import SwiftProtobuf

/// The workstation's side of the agent protocol over one connection: enrol, heartbeat,
/// fetch the policies the hook needs, send its queue, rotate the key, watch for publishes.
/// Every step keeps its results in the cache directory (`WorkstationCache`); the API key
/// is read from `identity.json` for each call, so a rotation takes effect at once.
///
/// Every call waits for the connection to be ready — while the client reconnects after the
/// replica it spoke to went away, or before the server is up — instead of failing at once,
/// and has a deadline (`callTimeout`) that bounds that wait and the call; only the policy
/// watch, which lasts as long as the connection, has none.
public struct WorkstationClient<Transport: ClientTransport>: Sendable {
    let agent: Ringfence_V1_AgentService.Client<Transport>
    /// The cache directory.
    public let cache: WorkstationCache
    /// The deadline of each call (30 s).
    public var callTimeout: Duration

    public init(
        agent: Ringfence_V1_AgentService.Client<Transport>, cache: WorkstationCache,
        callTimeout: Duration = .seconds(30)
    ) {
        self.agent = agent
        self.cache = cache
        self.callTimeout = callTimeout
    }

    /// Options of a call: wait for the connection, within `callTimeout`.
    var options: CallOptions { .waitingForReady(timeout: callTimeout) }

    /// The host's identity and the metadata that authenticates it.
    func identity() throws -> (WorkstationCache.Identity, Metadata) {
        let identity = try cache.read(WorkstationCache.Identity.self, at: cache.identityPath)
        return (identity, ["authorization": "Bearer \(identity.apiKey)"])
    }

    // MARK: Enrolment and keys

    /// Trades a one-time token for the host's key; stores the identity (0600) and the
    /// server's policy signing key.
    public func enrol(token: String, host: Ringfence_V1_HostIdentity, installerVersion: String, now: Date = Date())
        async throws -> Ringfence_V1_EnrollResponse
    {
        var request = Ringfence_V1_EnrollRequest()
        request.enrollmentToken = token
        request.host = host
        request.installerVersion = installerVersion
        let response = try await agent.enroll(request, options: options)
        try store(
            WorkstationCache.Identity(
                hostID: response.hostID, apiKey: response.apiKey, keyIssuedAt: now,
                keyExpiresAt: response.hasKeyExpiresAt ? response.keyExpiresAt.date : nil))
        try cache.storeSigningKey(Array(response.policySigningKey))
        return response
    }

    /// A new key for the host (RotateKey); the identity is replaced only once the answer
    /// arrived, and the old key keeps working for the server's overlap window meanwhile.
    /// Returns when the new key was issued and expires.
    @discardableResult
    public func rotateKey(now: Date = Date()) async throws -> (issued: Date, expires: Date) {
        let (identity, metadata) = try identity()
        var request = Ringfence_V1_RotateKeyRequest()
        request.hostID = identity.hostID
        let response = try await agent.rotateKey(request, metadata: metadata, options: options)
        let expires = response.expiresAt.date
        try store(
            WorkstationCache.Identity(
                hostID: identity.hostID, apiKey: response.apiKey, keyIssuedAt: now, keyExpiresAt: expires))
        return (now, expires)
    }

    func store(_ identity: WorkstationCache.Identity) throws {
        try WorkstationCache.writeAtomically(try WorkstationCache.json(identity), to: cache.identityPath, mode: 0o600)
    }

    // MARK: Heartbeat

    /// Sends a heartbeat with `inventory`; keeps the server's signing key.
    public func heartbeat(inventory: Ringfence_V1_Inventory, now: Date = Date()) async throws
        -> Ringfence_V1_HeartbeatResponse
    {
        let (identity, metadata) = try identity()
        var request = Ringfence_V1_HeartbeatRequest()
        request.hostID = identity.hostID
        request.sentAt = Google_Protobuf_Timestamp(date: now)
        request.inventory = inventory
        let response = try await agent.heartbeat(request, metadata: metadata, options: options)
        if !response.policySigningKey.isEmpty { try cache.storeSigningKey(Array(response.policySigningKey)) }
        return response
    }

    // MARK: Policy

    /// What one fetch did.
    public struct FetchReport: Sendable, Equatable {
        /// One line per policy: `policy ETAG (ring N, revision R) for USER [in SLUG] [unchanged]`.
        public var lines: [String] = []
        /// Native files installed: path and SHA-256.
        public var installed: [(path: String, sha256: String)] = []
        /// The oldest revision among the answers (what the host now holds).
        public var revision: Int64 = 0

        public static func == (lhs: FetchReport, rhs: FetchReport) -> Bool {
            lhs.lines == rhs.lines && lhs.revision == rhs.revision
                && lhs.installed.map(\.path) == rhs.installed.map(\.path)
        }
    }

    /// Fetches the policy for `user` in one call: with `repository`, that repository's
    /// only; else the policy outside repositories with `agentKind`'s native files (installed
    /// into `installDirectory`) and one for every repository the host holds a policy for or
    /// the hook marked as seen. Each carries the etag held, so an unchanged policy costs a
    /// "not modified".
    public func fetch(user: String, agentKind: AgentKind, installDirectory: String, repository: String? = nil)
        async throws -> FetchReport
    {
        let (identity, metadata) = try identity()
        /// The etag held for a repository ("" outside repositories), if it was for `user`.
        func held(_ slug: String) -> String {
            let policy = try? cache.read(
                AgentPolicy.self, at: slug.isEmpty ? cache.policyPath : cache.policyPath(repository: slug))
            return policy?.user == user ? policy?.etag ?? "" : ""
        }
        let main = repository ?? ""
        // Native files are wanted again when they are not installed as served (missing or
        // edited since): then no etag, and the full answer installs them again.
        let intact =
            (try? cache.read(WorkstationCache.ManagedInstall.self, at: cache.managedPath(agentKind)))?.isIntact ?? false
        var slugs: [String] = []
        if repository == nil {
            let repositories = cache.repositories()
            slugs = Set(repositories.cached + repositories.seen).sorted()
        }
        // At most `repositoriesPerFetch` repositories a call: the first call also carries
        // the context's own policy (and the native files), later ones only the etag of it.
        let chunks = slugs.isEmpty ? [[]] : slugs.chunked(by: WireLimits.repositoriesPerFetch)
        var report = FetchReport()
        var revisions: [Int64] = []
        for (index, chunk) in chunks.enumerated() {
            var request = Ringfence_V1_FetchPolicyRequest()
            request.hostID = identity.hostID
            request.context.user = user
            request.context.agentKind = agentKind.rawValue
            request.context.repo = main
            request.includeNativeConfig = repository == nil && index == 0
            if repository != nil || intact || index > 0 { request.ifNoneMatch = held(main) }
            request.repositories = chunk.map { slug in
                var entry = Ringfence_V1_RepositoryFetch()
                entry.repo = slug
                entry.ifNoneMatch = held(slug)
                return entry
            }
            let response = try await agent.fetchPolicy(request, metadata: metadata, options: options)
            func note(_ slug: String, etag: String, revision: Int64, unchanged: Bool) {
                var line = "policy \(etag) (ring \(response.ring), revision \(revision)) for \(user)"
                if !slug.isEmpty { line += " in \(slug)" }
                report.lines.append(unchanged ? line + " unchanged" : line)
                revisions.append(revision)
            }
            if index == 0 {
                if !response.notModified {
                    try cache.storePolicy(response, repository: main)
                    if repository == nil {
                        report.installed = try install(response, agentKind: agentKind, directory: installDirectory)
                    }
                }
                note(main, etag: response.etag, revision: response.revision, unchanged: response.notModified)
            }
            for entry in response.repositories {
                if !entry.notModified {
                    try cache.storePolicy(
                        signed: Array(entry.agentPolicy), signature: Array(entry.agentPolicySignature),
                        repository: entry.repo)
                }
                note(entry.repo, etag: entry.etag, revision: entry.revision, unchanged: entry.notModified)
            }
        }
        report.revision = revisions.min() ?? 0
        return report
    }

    /// Checks each native file's name and SHA-256, then installs them all and records where.
    func install(_ response: Ringfence_V1_FetchPolicyResponse, agentKind: AgentKind, directory: String) throws
        -> [(path: String, sha256: String)]
    {
        for file in response.nativeFiles {
            // A name relative to the install directory (`managed-settings.d/ringfence.json`):
            // no absolute path, no `..`, no hidden part.
            let parts = file.name.split(separator: "/", omittingEmptySubsequences: false)
            guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && !$0.hasPrefix(".") }) else {
                throw WorkstationError("refusing file name '\(file.name)'")
            }
            guard NativeFile.sha256Hex(Array(file.content)) == file.sha256 else {
                throw WorkstationError("\(file.name): content does not match its sha256; nothing installed")
            }
        }
        for file in response.nativeFiles {
            try WorkstationCache.writeAtomically(file.content, to: directory + "/" + file.name)
        }
        let install = WorkstationCache.ManagedInstall(
            directory: directory, files: response.nativeFiles.map(\.name).sorted(), etag: response.etag,
            sha256: Dictionary(response.nativeFiles.map { ($0.name, $0.sha256) }, uniquingKeysWith: { $1 }))
        try WorkstationCache.writeAtomically(try WorkstationCache.json(install), to: cache.managedPath(agentKind))
        return response.nativeFiles.map { (directory + "/" + $0.name, $0.sha256) }
    }

    /// Streams the revisions the server announces (WatchPolicy) to `announce` until the
    /// stream ends.
    public func watch(_ announce: @escaping @Sendable (Int64) -> Void) async throws {
        let (identity, metadata) = try identity()
        var request = Ringfence_V1_WatchPolicyRequest()
        request.hostID = identity.hostID
        try await agent.watchPolicy(request, metadata: metadata, options: .waitingForReady(timeout: nil)) { response in
            for try await announcement in response.messages { announce(announcement.revision) }
        }
    }

    // MARK: Exceptions

    /// Asks for an exception to `rule` (`PACK/RULE-ID`) in `repo` for `user`; returns the
    /// request's number and the server's words about what happens next.
    public func requestException(
        user: String, rule: String, repo: String, justification: String, duration: TimeInterval
    ) async throws -> (id: Int64, message: String) {
        let (identity, metadata) = try identity()
        var request = Ringfence_V1_RequestExceptionRequest()
        request.hostID = identity.hostID
        request.user = user
        request.rule = rule
        request.repo = repo
        request.justification = justification
        request.durationSeconds = Int64(duration)
        let response = try await agent.requestException(request, metadata: metadata, options: options)
        return (response.requestID, response.message)
    }

    // MARK: Events

    /// What one send did.
    public struct SendReport: Sendable, Equatable {
        public var events = 0
        public var stored: Int64 = 0
        public var duplicates: Int64 = 0
        public var rejected: [String] = []
        public var unreadable = 0
    }

    /// Sends the events the hook queued, batch by batch; a batch is deleted only once the
    /// server has answered for it (ids make resending safe).
    public func send() async throws -> SendReport {
        let (identity, metadata) = try identity()
        var report = SendReport()
        for batch in try cache.takeQueue() {
            guard let data = FileManager.default.contents(atPath: batch) else { continue }
            var events: [Ringfence_V1_AuditEvent] = []
            var versions: [String: String] = [:]
            for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
                if let event = try? JSONDecoder().decode(QueuedEvent.self, from: Data(line)) {
                    events.append(Ringfence_V1_AuditEvent(event))
                    if !event.agentVersion.isEmpty { versions[event.agentKind] = event.agentVersion }
                } else {
                    report.unreadable += 1
                }
            }
            let chunks = events.chunked(by: 500)
            if !chunks.isEmpty {
                let hostID = identity.hostID
                let response = try await agent.reportEvents(metadata: metadata, options: options) { writer in
                    for chunk in chunks {
                        var message = Ringfence_V1_ReportEventsRequest()
                        message.hostID = hostID
                        message.events = chunk
                        try await writer.write(message)
                    }
                }
                report.stored += response.stored
                report.duplicates += response.duplicates
                report.rejected += response.rejected.map { "\($0.eventID): \($0.reason)" }
            }
            report.events += events.count
            try cache.noteAgentVersions(versions)
            try FileManager.default.removeItem(atPath: batch)
        }
        return report
    }
}

extension Array {
    /// The elements in consecutive slices of at most `size` (none for an empty array).
    func chunked(by size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
