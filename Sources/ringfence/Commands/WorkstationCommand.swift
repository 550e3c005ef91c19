import ArgumentParser
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import RingfenceAdapters
import RingfenceCore
import RingfenceProto
import RingfenceWorkstation
import SwiftProtobuf

/// `ringfence workstation`: the reference agent side, run by a service account on each
/// workstation (launchd, systemd timer, MDM script): enrol once, fetch the policy and the
/// agents' native files, report inventory with the files' hashes, send what the hook
/// queued. See docs/agents.md.
struct WorkstationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workstation",
        abstract: "Reference workstation agent: enrol, fetch policy and native files, heartbeat, send queued events.",
        subcommands: [Enrol.self, Fetch.self, Heartbeat.self, Send.self]
    )

    /// Options every workstation command shares.
    struct Common: ParsableArguments {
        @OptionGroup var endpoint: ServerEndpoint
        @Option(help: "Workstation cache directory.")
        var cache: String = "/var/lib/ringfence"

        var store: WorkstationCache { WorkstationCache(directory: cache) }

        func identity() throws -> WorkstationCache.Identity {
            try store.read(WorkstationCache.Identity.self, at: store.identityPath)
        }

        func client<Result: Sendable>(
            _ body:
                @Sendable (Ringfence_V1_AgentService.Client<HTTP2ClientTransport.Posix>, Metadata) async throws ->
                Result
        ) async throws -> Result {
            let identity = try identity()
            let metadata: Metadata = ["authorization": "Bearer \(identity.apiKey)"]
            return try await endpoint.withClient { grpc in
                try await body(Ringfence_V1_AgentService.Client(wrapping: grpc), metadata)
            }
        }
    }

    static func agentKind(_ name: String) throws -> AgentKind {
        guard let kind = AgentKind(name: name) else {
            throw ValidationError(
                "--agent must be one of \(AgentKind.allCases.map(\.rawValue).joined(separator: ", ")), got '\(name)'")
        }
        return kind
    }

    /// `workstation enrol`: trades a one-time token for this host's API key.
    struct Enrol: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enrol this host with a one-time token; keeps the key in identity.json (0600).")

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
            var request = Ringfence_V1_EnrollRequest()
            request.enrollmentToken = token
            request.host.machineID = machine
            request.host.hostname = ProcessInfo.processInfo.hostName
            request.host.os = Heartbeat.osName
            request.installerVersion = Ringfence.configuration.version
            let message = request
            let response = try await common.endpoint.withClient { grpc in
                try await Ringfence_V1_AgentService.Client(wrapping: grpc).enroll(message)
            }
            let identity = WorkstationCache.Identity(hostID: response.hostID, apiKey: response.apiKey)
            try WorkstationCache.writeAtomically(
                try WorkstationCache.json(identity), to: common.store.identityPath, mode: 0o600)
            try common.store.storeSigningKey(Array(response.policySigningKey))
            print(
                "enrolled as host \(response.hostID) (ring \(response.ring == 0 ? "from users' groups" : "\(response.ring)")); key in \(common.store.identityPath)"
            )
        }
    }

    /// `workstation fetch`: the user's resolved policy for the hook, and the agent's native
    /// files, installed where the agent reads them.
    struct Fetch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch the user's policy (policy.rfp, policy.json) and an agent's native managed files.")

        @OptionGroup var common: Common
        @Option(help: "Agent to fetch native files for: claude-code, cursor or copilot.")
        var agent: String
        @Option(help: "Directory user the policy is for (default $USER).")
        var user: String?
        @Option(
            help:
                "Repository slug to fetch the policy of (default: the policy outside repositories, then every repository the host has a policy for or the hook worked in)."
        )
        var repo: String?
        @Option(
            name: .customLong("install-dir"),
            help: "Where the agent reads its managed files, e.g. /etc/claude-code (default: <cache>/native/<agent>).")
        var installDirectory: String?

        func run() async throws {
            let kind = try WorkstationCommand.agentKind(agent)
            let user = self.user ?? ProcessInfo.processInfo.environment["USER"] ?? ""
            guard !user.isEmpty else { throw ValidationError("no user: pass --user") }
            let hostID = try common.identity().hostID
            let store = common.store
            let repo = self.repo
            let directory = installDirectory ?? "\(common.cache)/native/\(kind.rawValue)"
            // Every policy of this run over one connection.
            try await common.client { client, metadata in
                func fetch(_ repo: String, nativeFiles: Bool = false) async throws -> Ringfence_V1_FetchPolicyResponse {
                    var request = Ringfence_V1_FetchPolicyRequest()
                    request.hostID = hostID
                    request.context.user = user
                    request.context.agentKind = kind.rawValue
                    request.context.repo = repo
                    request.includeNativeConfig = nativeFiles
                    return try await client.fetchPolicy(request, metadata: metadata)
                }
                if let repo {
                    let response = try await fetch(repo)
                    try store.storePolicy(response, repository: repo)
                    print(
                        "policy \(response.etag) (ring \(response.ring), revision \(response.revision)) for \(user) in \(repo)"
                    )
                    return
                }
                let response = try await fetch("", nativeFiles: true)
                try store.storePolicy(response)
                for file in response.nativeFiles {
                    guard !file.name.contains("/"), !file.name.hasPrefix(".") else {
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
                    directory: directory, files: response.nativeFiles.map { $0.name }.sorted(),
                    etag: response.etag)
                try WorkstationCache.writeAtomically(try WorkstationCache.json(install), to: store.managedPath(kind))
                print(
                    "policy \(response.etag) (ring \(response.ring), revision \(response.revision)) for \(user) in \(store.binaryPolicyPath) and policy.json"
                )
                for file in response.nativeFiles { print("  \(directory)/\(file.name)  sha256 \(file.sha256)") }
                if response.nativeFiles.isEmpty { print("  no native files for \(kind) (see docs/agents.md)") }
                // Each repository the host has a policy for, or the hook worked in, gets its own.
                let repositories = store.repositories()
                for slug in Set(repositories.cached + repositories.seen).sorted() {
                    let response = try await fetch(slug)
                    try store.storePolicy(response, repository: slug)
                    print("policy \(response.etag) for \(user) in \(slug)")
                }
            }
        }
    }

    /// `workstation heartbeat`: reports the host, and per agent with installed native files
    /// the SHA-256 of each file as it is now on disk (drift detection).
    struct Heartbeat: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a heartbeat with the hashes of the installed native files.")

        @OptionGroup var common: Common
        @Option(help: "Directory users of this host (default $USER; comma-separated).")
        var users: [String] = []

        static var osName: String {
            #if os(macOS)
                "macos"
            #else
                "linux"
            #endif
        }

        func run() async throws {
            let identity = try common.identity()
            let store = common.store
            var request = Ringfence_V1_HeartbeatRequest()
            request.hostID = identity.hostID
            request.sentAt = Google_Protobuf_Timestamp(date: Date())
            request.inventory.hostname = ProcessInfo.processInfo.hostName
            request.inventory.os = Self.osName
            request.inventory.installerVersion = Ringfence.configuration.version
            let users = ContextOptions.split(self.users)
            request.inventory.users =
                users.isEmpty ? [ProcessInfo.processInfo.environment["USER"] ?? ""].filter { !$0.isEmpty } : users
            for kind in AgentKind.allCases {
                guard let install = try? store.read(WorkstationCache.ManagedInstall.self, at: store.managedPath(kind))
                else { continue }
                var agent = Ringfence_V1_AgentInstall()
                agent.kind = kind.rawValue
                agent.hookState = .installed
                agent.hookVersion = Ringfence.configuration.version
                agent.managedFiles = install.files.map { name in
                    var file = Ringfence_V1_ManagedFile()
                    file.name = name
                    file.sha256 =
                        FileManager.default.contents(atPath: install.directory + "/" + name)
                        .map { NativeFile.sha256Hex(Array($0)) } ?? ""
                    return file
                }
                agent.managedConfigHash = ManagedFiles(agent.managedFiles.map { ($0.name, $0.sha256) }).digest
                request.inventory.agents.append(agent)
            }
            let message = request
            let response = try await common.client { client, metadata in
                try await client.heartbeat(message, metadata: metadata)
            }
            try store.storeSigningKey(Array(response.policySigningKey))
            print(
                "heartbeat sent (\(request.inventory.agents.count) agent(s)); server policy revision \(response.policyRevision), next in \(response.nextHeartbeatSeconds) s"
            )
        }
    }

    /// `workstation send`: sends the events the hook queued, batch by batch; a batch is
    /// deleted only once the server has stored it (ids make resending safe).
    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send the audit events the hook queued (ReportEvents).")

        @OptionGroup var common: Common

        func run() async throws {
            let identity = try common.identity()
            var totals = (events: 0, stored: Int64(0), duplicates: Int64(0), rejected: 0, unreadable: 0)
            for batch in try common.store.takeQueue() {
                guard let data = FileManager.default.contents(atPath: batch) else { continue }
                var events: [Ringfence_V1_AuditEvent] = []
                for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
                    if let event = try? JSONDecoder().decode(QueuedEvent.self, from: Data(line)) {
                        events.append(Ringfence_V1_AuditEvent(event))
                    } else {
                        totals.unreadable += 1
                    }
                }
                let hostID = identity.hostID
                let chunks = stride(from: 0, to: events.count, by: 500).map {
                    Array(events[$0..<min($0 + 500, events.count)])
                }
                if !chunks.isEmpty {
                    let response = try await common.client { client, metadata in
                        try await client.reportEvents(metadata: metadata) { writer in
                            for chunk in chunks {
                                var message = Ringfence_V1_ReportEventsRequest()
                                message.hostID = hostID
                                message.events = chunk
                                try await writer.write(message)
                            }
                        }
                    }
                    totals.stored += response.stored
                    totals.duplicates += response.duplicates
                    totals.rejected += response.rejected.count
                    for rejected in response.rejected.prefix(5) {
                        print("  rejected \(rejected.eventID): \(rejected.reason)")
                    }
                }
                totals.events += events.count
                try FileManager.default.removeItem(atPath: batch)
            }
            print(
                "sent \(totals.events) event(s): \(totals.stored) stored, \(totals.duplicates) duplicate, \(totals.rejected) rejected"
                    + (totals.unreadable > 0 ? ", \(totals.unreadable) unreadable line(s) dropped" : ""))
        }
    }
}
