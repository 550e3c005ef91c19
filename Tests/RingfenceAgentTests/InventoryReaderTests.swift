import Foundation
import RingfenceAdapters
import RingfenceCore
import RingfenceProto
import RingfenceWorkstation
import Testing

@testable import RingfenceAgent

/// What the inventory reads from a machine laid out in a temporary folder (`systemRoot`).
@Suite("Inventory reader")
struct InventoryReaderTests {
    static func machine(_ body: (String, WorkstationCache) throws -> Void) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("rf-inv-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root + "/cache/managed", withIntermediateDirectories: true)
        try body(root, WorkstationCache(directory: root + "/cache"))
    }

    static func write(_ text: String, to path: String) throws {
        try WorkstationCache.writeAtomically(Data(text.utf8), to: path)
    }

    /// Installs an agent's rendered files under `root/etc/<agent>` and records them.
    static func install(_ agent: AgentKind, root: String, cache: WorkstationCache) throws {
        let rendered = NativeAdapters.render(
            agent, policy: AgentPolicy(user: "alice", ring: 2, revision: 1, etag: "e", surfaces: []),
            options: AdapterOptions())
        let directory = root + "/etc/" + agent.rawValue
        for file in rendered.files {
            try WorkstationCache.writeAtomically(Data(file.content.utf8), to: directory + "/" + file.name)
        }
        let record = WorkstationCache.ManagedInstall(
            directory: directory, files: rendered.files.map(\.name), etag: "e",
            sha256: Dictionary(uniqueKeysWithValues: rendered.files.map { ($0.name, $0.sha256) }))
        try WorkstationCache.writeAtomically(try WorkstationCache.json(record), to: cache.managedPath(agent))
    }

    static func reader(root: String, cache: WorkstationCache) -> InventoryReader {
        InventoryReader(
            cache: cache, home: root + "/home/alice", systemRoot: root, hostname: "h", os: "linux",
            installerVersion: "1", users: ["alice"])
    }

    static func agent(_ kind: AgentKind, root: String, cache: WorkstationCache) -> HostInventory.Agent? {
        reader(root: root, cache: cache).read().agents.first { $0.kind == kind.rawValue }
    }

    @Test(
        "every agent's installed files count as the hook installed when one of them calls it (Copilot's settings do not)"
    )
    func hookState() throws {
        try Self.machine { root, cache in
            for agent in AgentKind.allCases { try Self.install(agent, root: root, cache: cache) }
            let inventory = Self.reader(root: root, cache: cache).read()
            #expect(Set(inventory.agents.map(\.kind)) == Set(AgentKind.allCases.map(\.rawValue)))
            for agent in inventory.agents {
                #expect(agent.hookState == "installed", "\(agent.kind)")
                #expect(
                    !agent.managedFiles.isEmpty && agent.managedFiles.values.allSatisfy { !$0.isEmpty }, "\(agent.kind)"
                )
            }
            try FileManager.default.removeItem(atPath: root + "/etc/copilot/managed-settings.json")
            #expect(Self.agent(.copilot, root: root, cache: cache)?.hookState == "missing", "a file is gone")
        }
    }

    @Test("a managed file changed by hand is modified; one that no longer calls the hook is missing")
    func modified() throws {
        try Self.machine { root, cache in
            try Self.install(.codex, root: root, cache: cache)
            let hooks = root + "/etc/codex/hooks.json"
            try Self.write(try String(contentsOfFile: hooks, encoding: .utf8) + "\n\n", to: hooks)
            let agent = Self.agent(.codex, root: root, cache: cache)
            #expect(agent?.hookState == "modified")
            #expect(Ringfence_V1_AgentInstall(agent!).hookState == .modified, "the wire says so too")
            try Self.write("{}", to: root + "/etc/codex/hooks.json")
            #expect(Self.agent(.codex, root: root, cache: cache)?.hookState == "missing")
        }
    }

    @Test("Claude Code's managed disableAllHooks switches the installed hook off; the user's own cannot")
    func disabled() throws {
        try Self.machine { root, cache in
            try Self.install(.claudeCode, root: root, cache: cache)
            try Self.write(#"{"disableAllHooks": true}"#, to: root + "/home/alice/.claude/settings.json")
            #expect(Self.agent(.claudeCode, root: root, cache: cache)?.hookState == "installed")
            try Self.write(
                #"{"disableAllHooks": true}"#, to: root + "/etc/claude-code/managed-settings.d/50-other.json")
            #expect(Self.agent(.claudeCode, root: root, cache: cache)?.hookState == "disabled")
        }
    }

    @Test("versions: the npm package's manifest first, else the version the hook input named")
    func versions() throws {
        try Self.machine { root, cache in
            try Self.write(
                #"{"name": "@openai/codex", "version": "0.149.1"}"#,
                to: root + "/usr/local/lib/node_modules/@openai/codex/package.json")
            try Self.write(
                #"{"version": "0.0.354"}"#,
                to: root + "/home/alice/.npm-global/lib/node_modules/@github/copilot/package.json")
            try FileManager.default.createDirectory(
                atPath: root + "/home/alice/.cursor", withIntermediateDirectories: true)
            try cache.noteAgentVersions(["cursor": "2.1.46", "codex": "0.1.0", "windsurf": ""])
            let agents = Self.reader(root: root, cache: cache).read().agents
            #expect(agents.map(\.kind) == ["cursor", "copilot", "codex"], "found by package or configuration")
            #expect(agents.map(\.version) == ["2.1.46", "0.0.354", "0.149.1"])
            #expect(agents.allSatisfy { $0.hookState == "missing" })
        }
    }

    @Test("providers: Claude Code's env, Codex's model_provider (managed first), Gemini CLI's enforced auth type")
    func providers() throws {
        try Self.machine { root, cache in
            try Self.write(#"{"env": {"CLAUDE_CODE_USE_VERTEX": "1"}}"#, to: root + "/home/alice/.claude/settings.json")
            try Self.write("model_provider = \"azure\"\n", to: root + "/home/alice/.codex/config.toml")
            try Self.write(
                #"{"security": {"auth": {"selectedType": "gemini-api-key"}}}"#,
                to: root + "/home/alice/.gemini/settings.json")
            var providers = Dictionary(
                uniqueKeysWithValues: Self.reader(root: root, cache: cache).read().agents.map { ($0.kind, $0.provider) }
            )
            #expect(providers == ["claude-code": "vertex", "codex": "azure", "gemini-cli": "gemini-api-key"])
            try Self.write(
                #"{"env": {"CLAUDE_CODE_USE_BEDROCK": "true"}}"#, to: root + "/etc/claude-code/managed-settings.json")
            try Self.write("model_provider = \"oss\"\n", to: root + "/etc/codex/managed_config.toml")
            try Self.write(
                #"{"security": {"auth": {"enforcedType": "vertex-ai"}}}"#, to: root + "/etc/gemini-cli/settings.json")
            providers = Dictionary(
                uniqueKeysWithValues: Self.reader(root: root, cache: cache).read().agents.map { ($0.kind, $0.provider) }
            )
            #expect(providers == ["claude-code": "bedrock", "codex": "oss", "gemini-cli": "vertex-ai"])
        }
    }

    @Test("the inventory survives the wire: what the server validates is what the reader read")
    func wire() throws {
        try Self.machine { root, cache in
            for agent in AgentKind.allCases { try Self.install(agent, root: root, cache: cache) }
            try Self.write(
                #"{"mcpServers": {"b": {"command": "x"}, "a": {"url": "https://a.example.com/mcp"}}}"#,
                to: root + "/home/alice/.cursor/mcp.json")
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            let inventory = Self.reader(root: root, cache: cache).read(now: now)
            #expect(try Ringfence_V1_Inventory(inventory).validated(now: now) == inventory)
        }
    }

    @Test("Claude Code: an MDM preference file, device-wide or the user's, takes precedence over the fragment")
    func precedence() throws {
        try Self.machine { root, cache in
            try Self.install(.claudeCode, root: root, cache: cache)
            #expect(Self.agent(.claudeCode, root: root, cache: cache)?.precedenceSources == [])
            let plist = "/Library/Managed Preferences/alice/com.anthropic.claudecode.plist"
            try Self.write("<plist/>", to: root + plist)
            #expect(Self.agent(.claudeCode, root: root, cache: cache)?.precedenceSources == [plist])
        }
    }

    @Test("Codex: managed preferences of com.openai.codex win over /etc/codex/requirements.toml")
    func codexPrecedence() throws {
        try Self.machine { root, cache in
            try Self.install(.codex, root: root, cache: cache)
            let plist = "/Library/Managed Preferences/com.openai.codex.plist"
            try Self.write("<plist/>", to: root + plist)
            #expect(Self.agent(.codex, root: root, cache: cache)?.precedenceSources == [plist])
        }
    }
}
