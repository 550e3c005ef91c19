import Foundation
import RingfenceAdapters
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

    @Test(
        "every agent's installed files count as the hook installed when one of them calls it (Copilot's settings do not)"
    )
    func hookState() throws {
        try Self.machine { root, cache in
            for agent in AgentKind.allCases { try Self.install(agent, root: root, cache: cache) }
            let inventory = Self.reader(root: root, cache: cache).read()
            #expect(Set(inventory.agents.map(\.kind)) == Set(AgentKind.allCases.map(\.rawValue)))
            for agent in inventory.agents {
                #expect(agent.hookState == .installed, "\(agent.kind)")
                #expect(agent.managedFiles.allSatisfy { !$0.sha256.isEmpty }, "\(agent.kind)")
            }
            try FileManager.default.removeItem(atPath: root + "/etc/copilot/managed-settings.json")
            let missing = Self.reader(root: root, cache: cache).read().agents.first { $0.kind == "copilot" }
            #expect(missing?.hookState == .missing, "a file is gone")
        }
    }

    @Test("Claude Code: an MDM preference file, device-wide or the user's, takes precedence over the fragment")
    func precedence() throws {
        try Self.machine { root, cache in
            try Self.install(.claudeCode, root: root, cache: cache)
            #expect(Self.reader(root: root, cache: cache).read().agents.first?.precedenceSources == [])
            let plist = "/Library/Managed Preferences/alice/com.anthropic.claudecode.plist"
            try WorkstationCache.writeAtomically(Data("<plist/>".utf8), to: root + plist)
            #expect(Self.reader(root: root, cache: cache).read().agents.first?.precedenceSources == [plist])
        }
    }

    @Test("Codex: managed preferences of com.openai.codex win over /etc/codex/requirements.toml")
    func codexPrecedence() throws {
        try Self.machine { root, cache in
            try Self.install(.codex, root: root, cache: cache)
            let plist = "/Library/Managed Preferences/com.openai.codex.plist"
            try WorkstationCache.writeAtomically(Data("<plist/>".utf8), to: root + plist)
            #expect(Self.reader(root: root, cache: cache).read().agents.first?.precedenceSources == [plist])
        }
    }
}
