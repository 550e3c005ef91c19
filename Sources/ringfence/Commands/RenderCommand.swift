import ArgumentParser
import Crypto
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
        let decision = try await policy.context(context)
        let snapshot = try await policy.load(at: context.at == nil ? nil : decision.at)
        let resolution = snapshot.resolve(decision)
        let rendered = NativeAdapters.render(kind, policy: AgentPolicy(resolution), options: options)
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        for file in rendered.files {
            let url = URL(fileURLWithPath: out).appendingPathComponent(file.name)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(file.content.utf8).write(to: url)
            print("wrote \(out)/\(file.name)  sha256 \(file.sha256)")
        }
        print(
            "\(kind) for \(decision.user): ring \(resolution.ring.number), policy \(resolution.etag) (revision \(resolution.revision))"
        )
        if !rendered.files.isEmpty { print("managed_config_hash \(rendered.digest)") }
        if let hookCache {
            // Signed with the servers' key when policy comes from PostgreSQL; with --policy
            // DIR, with a key made for this cache (its public half replaces the cache's key).
            let signer =
                policy.directory == nil
                ? try await withPostgres(try policy.database.configuration()) { client in
                    try await PolicySigner.load(from: SigningKeyStore(client: client))
                } : PolicySigner(key: Curve25519.Signing.PrivateKey())
            let cache = WorkstationCache(directory: hookCache)
            try FileManager.default.createDirectory(atPath: hookCache, withIntermediateDirectories: true)
            try cache.storeSigningKey(signer.publicKey)
            let signed = try signer.sign(AgentPolicy(resolution))
            try cache.storePolicy(signed: signed.policy, signature: signed.signature)
            print("wrote \(cache.binaryPolicyPath) (the policy the hook decides from, signed) and \(cache.policyPath)")
        }
        print(
            rendered.hookFailsClosed
                ? "a hook that is missing, crashes or times out: the agent blocks the action"
                : "a hook that is missing, crashes or times out: the agent goes ahead (no surface fails closed, or \(kind) cannot fail closed)"
        )
        if rendered.notNative.isEmpty {
            print("every rule is expressed natively")
        } else {
            print("not expressed natively (\(rendered.notNative.count)):")
            for rule in rendered.notNative { print("  \(rule)") }
        }
    }
}
