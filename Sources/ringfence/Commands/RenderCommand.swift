import ArgumentParser
import Foundation
import RingfenceAdapters
import RingfenceCore
import RingfenceServer
import RingfenceStore
import RingfenceWorkstation

/// `ringfence render`: an agent's native managed files for one user/host, written to a
/// directory for MDM recipes (Jamf, Intune, Ansible; docs/agents.md), with the list of
/// what the files cannot express.
struct RenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Write an agent's native managed files (e.g. Claude Code managed-settings.json) for a user and host.",
        discussion: """
            --agent picks the adapter (claude-code, cursor, copilot). Without --groups and --roles the user's
            groups come from the directory mirror in PostgreSQL; --host takes the ring and tags of an
            enrolled host. How the files call the hook comes from server.agents in --config, then the flags.
            """)

    @OptionGroup var policy: PolicySource
    @OptionGroup var context: ContextOptions
    @Option(help: "Enrolled host id whose ring and tags to use.")
    var host: String?
    @Option(help: "Directory to write the files to (created if needed).")
    var out: String
    @Option(
        name: .customLong("config"),
        help: "Configuration file whose server.agents section says how files call the hook.")
    var configPath: String?
    @Option(name: .customLong("hook-executable"), help: "Path of ringfence on workstations.")
    var hookExecutable: String?
    @Option(name: .customLong("cache-directory"), help: "Workstation cache directory the hook reads.")
    var cacheDirectory: String?
    @Option(
        name: .customLong("fail-closed"),
        help: "Surfaces whose hook refuses actions without a cached policy (comma-separated).")
    var failClosed: [String] = []
    @Option(
        name: .customLong("hook-cache"),
        help: "Also write the hook's policy.rfp and policy.json into this directory (for hosts managed by MDM only).")
    var hookCache: String?

    func validate() throws {
        _ = try agentKind()
        if let host { _ = try KeysCommand.hostID(host) }
        guard !context.user.isEmpty else { throw ValidationError("--user is needed") }
    }

    func agentKind() throws -> AgentKind {
        try WorkstationCommand.agentKind(context.agent)
    }

    func options() throws -> AdapterOptions {
        var options = try configPath.map { try ConfigurationFile.load(path: $0).server.adapters } ?? AdapterOptions()
        if let hookExecutable { options.hookExecutable = hookExecutable }
        if let cacheDirectory { options.cacheDirectory = cacheDirectory }
        if !failClosed.isEmpty { options.failClosed = try HookCommand.surfaces(failClosed) }
        return options
    }

    func run() async throws {
        let kind = try agentKind()
        let options = try options()
        var decision = try context.context()
        if host != nil || (decision.groups.isEmpty && decision.roles.isEmpty && policy.directory == nil) {
            decision = try await withDirectoryFacts(decision)
        }
        let snapshot = try await policy.load(at: context.at == nil ? nil : decision.at)
        let resolution = snapshot.resolve(decision)
        let rendered = NativeAdapters.render(kind, policy: AgentPolicy(resolution), options: options)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        for file in rendered.files {
            try Data(file.content.utf8).write(to: URL(fileURLWithPath: out).appendingPathComponent(file.name))
            print("wrote \(out)/\(file.name)  sha256 \(file.sha256)")
        }
        print(
            "\(kind) for \(decision.user): ring \(resolution.ring.number), policy \(resolution.etag) (revision \(resolution.revision))"
        )
        if !rendered.files.isEmpty { print("managed_config_hash \(rendered.digest)") }
        if let hookCache {
            let cache = WorkstationCache(directory: hookCache)
            try cache.storePolicy(AgentPolicy(resolution))
            print("wrote \(cache.binaryPolicyPath) (the policy the hook decides from) and \(cache.policyPath)")
        }
        if rendered.notNative.isEmpty {
            print("every rule is expressed natively")
        } else {
            print("not expressed natively (\(rendered.notNative.count)):")
            for rule in rendered.notNative { print("  \(rule)") }
        }
    }

    /// The context with the user's groups and roles from the directory mirror, and the
    /// host's ring and tags from the fleet, where the flags did not give them.
    func withDirectoryFacts(_ context: DecisionContext) async throws -> DecisionContext {
        let hostID = try host.map(KeysCommand.hostID)
        let user = context.user
        let (facts, hostFacts) = try await withPostgres(try policy.database.configuration()) { client in
            let facts = try await DirectoryStore(client: client).facts(user: user.lowercased())
            let hostFacts = try await hostID.asyncMap { try await FleetStore(client: client).policyFacts(hostID: $0) }
            return (facts.map { UserFacts(groups: $0.groups, roles: $0.roles) }, hostFacts ?? nil)
        }
        var result = context
        if result.groups.isEmpty && result.roles.isEmpty {
            guard let facts else {
                throw ValidationError(
                    "user '\(user)' is not in the directory mirror (run ringfence sync, or pass --groups)")
            }
            result = DecisionContext(
                user: user, groups: facts.groups, roles: facts.roles, hostRing: result.hostRing,
                hostTags: result.hostTags, repo: result.repo, trust: result.trust, agent: result.agent,
                surfaces: result.surfaces, at: result.at)
        }
        if let hostID {
            guard let hostFacts else { throw ValidationError("--host \(hostID): no such enrolled host") }
            result = DecisionContext(
                user: result.user, groups: result.groups, roles: result.roles,
                hostRing: result.hostRing ?? hostFacts.ring,
                hostTags: result.hostTags.isEmpty ? hostFacts.tags : result.hostTags, repo: result.repo,
                trust: result.trust, agent: result.agent, surfaces: result.surfaces, at: result.at)
        }
        return result
    }

    struct UserFacts: Sendable {
        var groups: [String]
        var roles: [String]
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
