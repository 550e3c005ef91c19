import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import RingfenceAgent
import RingfenceProto
import SwiftProtobuf

/// One simulated workstation: enrols with a token, reports its inventory, fetches its
/// users' policy at login and streams audit events, exactly as a real agent would, over
/// its own gRPC connection.
struct SimulatedHost: Sendable {
    typealias Client = Ringfence_V1_AgentService.Client<HTTP2ClientTransport.Posix>

    let index: Int
    let users: [String]
    var hostID = ""
    var apiKey = ""
    /// Machine ids and event ids start with it (`sim`), so several simulations can share a server.
    var prefix = "sim"
    /// Claude Code's hook is reported missing on every n-th host (0: never).
    var hookMissingEvery = 7
    /// The verdicts of the events, when chosen; nil: the built-in mix of shapes.
    var mix: EventMix?
    /// Events occur within this many seconds before the moment they are sent for.
    var spread = 3_600

    init(index: Int, users: [String]) {
        self.index = index
        self.users = users
    }

    var machineID: String { "\(prefix)-\(index)" }
    var metadata: Metadata { ["authorization": "Bearer \(apiKey)"] }

    /// Every call has a deadline, as a real agent's would: a call the server never
    /// finishes fails with DEADLINE_EXCEEDED instead of holding the simulated host (30 s;
    /// tests on busy machines give a hang guard's).
    var callTimeout: Duration = .seconds(30)

    /// A call waits for the connection to be ready — while the client reconnects, after
    /// the replica it spoke to died — instead of failing at once; the deadline bounds it.
    var options: CallOptions { .waitingForReady(timeout: callTimeout) }

    mutating func enroll(_ client: Client, token: String) async throws {
        var request = Ringfence_V1_EnrollRequest()
        request.enrollmentToken = token
        request.host.machineID = machineID
        request.host.hostname = "sim-\(index).example.com"
        request.host.os = ["macos", "linux", "windows"][index % 3]
        request.host.osVersion = "1.0"
        request.host.arch = "arm64"
        request.installerVersion = "1.4.0"
        let response = try await client.enroll(request, options: options)
        hostID = response.hostID
        apiKey = response.apiKey
    }

    func heartbeat(_ client: Client) async throws -> Ringfence_V1_HeartbeatResponse {
        var request = Ringfence_V1_HeartbeatRequest()
        request.hostID = hostID
        request.sentAt = Google_Protobuf_Timestamp(date: Date())
        request.inventory.hostname = "sim-\(index).example.com"
        request.inventory.os = ["macos", "linux", "windows"][index % 3]
        request.inventory.osVersion = "1.0"
        request.inventory.installerVersion = index % 10 == 0 ? "1.3.2" : "1.4.0"
        request.inventory.provider = ["jamf", "intune", "ansible"][index % 3]
        request.inventory.users = users
        var claude = Ringfence_V1_AgentInstall()
        claude.kind = "claude-code"
        claude.version = "2.0.\(index % 3)"
        claude.hookState = hookMissingEvery > 0 && index % hookMissingEvery == 0 ? .missing : .installed
        claude.hookVersion = "1.4.0"
        var cursor = Ringfence_V1_AgentInstall()
        cursor.kind = "cursor"
        cursor.version = "1.7.0"
        cursor.hookState = .installed
        request.inventory.agents = index % 2 == 0 ? [claude, cursor] : [claude]
        var github = Ringfence_V1_McpServer()
        github.name = "github"
        github.agentKind = "claude-code"
        github.transport = "stdio"
        github.endpoint = "github-mcp-server"
        github.scope = "managed"
        request.inventory.mcpServers = [github]
        var repo = Ringfence_V1_RepoSeen()
        repo.slug = Self.repos[index % Self.repos.count]
        repo.remoteURL = "https://git.example.com/\(repo.slug).git"
        repo.managed = true
        repo.lastSeen = Google_Protobuf_Timestamp(date: Date())
        request.inventory.repos = [repo]
        return try await client.heartbeat(request, metadata: metadata, options: options)
    }

    func fetchPolicy(_ client: Client, user: String, ifNoneMatch: String = "") async throws
        -> Ringfence_V1_FetchPolicyResponse
    {
        var request = Ringfence_V1_FetchPolicyRequest()
        request.hostID = hostID
        request.context.user = user
        request.context.agentKind = "claude-code"
        request.context.repo = Self.repos[index % Self.repos.count]
        request.ifNoneMatch = ifNoneMatch
        return try await client.fetchPolicy(request, metadata: metadata, options: options)
    }

    /// Streams `count` events in batches of `batchSize`; ids are derived from the host and
    /// a sequence number, so running the same simulation again stores nothing new.
    func reportEvents(
        _ client: Client, count: Int, batchSize: Int, firstSequence: Int = 0, etag: String = "", at: Date,
        idPrefix: String? = nil
    )
        async throws -> Ringfence_V1_ReportEventsResponse
    {
        let hostID = self.hostID
        let users = self.users
        let index = self.index
        let (mix, spread, idPrefix) = (self.mix, self.spread, idPrefix ?? prefix)
        return try await client.reportEvents(metadata: metadata, options: options) { writer in
            var sequence = firstSequence
            while sequence < firstSequence + count {
                var batch = Ringfence_V1_ReportEventsRequest()
                batch.hostID = hostID
                let end = min(firstSequence + count, sequence + batchSize)
                batch.events = (sequence..<end).map {
                    Self.event(
                        host: index, sequence: $0, users: users, etag: etag, at: at, idPrefix: idPrefix, mix: mix,
                        spread: spread)
                }
                try await writer.write(batch)
                sequence = end
            }
        }
    }

    static let repos = ["payments/api", "payments/web", "platform/infra", "data/pipelines", "mobile/app"]
    static let shapes:
        [(surface: String, rule: String, pack: String, verdict: Ringfence_V1_Verdict, uncapped: Ringfence_V1_Level)] = [
            ("risky_shell", "", "", .pass, .off),
            ("risky_shell", "RS-2", "shell-baseline", .warnCandidate, .warn),
            ("risky_shell", "RS-1", "shell-baseline", .blockCandidate, .block),
            ("sensitive_path_read", "SP-1", "secrets-baseline", .blockCandidate, .block),
            ("sensitive_path_read", "", "", .pass, .off),
            ("mcp_tool", "MCP-1", "mcp-governance", .warnCandidate, .warn),
            ("credential_exfiltration", "CE-1", "secrets-baseline", .blockCandidate, .block),
            ("risky_shell", "", "", .pass, .off),
        ]

    static func event(
        host: Int, sequence: Int, users: [String], etag: String, at: Date, idPrefix: String = "sim",
        mix: EventMix? = nil, spread: Int = 3_600
    )
        -> Ringfence_V1_AuditEvent
    {
        let shape = mix?.shape(sequence: sequence) ?? shapes[(host &* 31 &+ sequence) % shapes.count]
        var event = Ringfence_V1_AuditEvent()
        event.eventID = "\(idPrefix)-\(host)-\(sequence)"
        event.occurredAt = Google_Protobuf_Timestamp(
            date: at.addingTimeInterval(-Double(sequence % max(1, spread))))
        event.user = users.isEmpty ? "unknown" : users[sequence % users.count]
        event.agentKind = "claude-code"
        event.agentVersion = "2.0.\(host % 3)"
        event.surface = shape.surface
        event.pack = shape.pack
        event.packVersion = shape.pack.isEmpty ? 0 : 1
        event.ruleID = shape.rule
        event.repo = repos[host % repos.count]
        event.verdict = shape.verdict
        event.appliedLevel = .observe
        event.uncappedLevel = shape.uncapped
        event.policyEtag = etag
        event.sessionID = "session-\(host)-\(sequence / 50)"
        event.summary = shape.rule.isEmpty ? "ls -la" : "matched \(shape.rule)"
        return event
    }
}
