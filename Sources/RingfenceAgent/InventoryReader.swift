import Foundation
import RingfenceAdapters
import RingfenceCore
import RingfenceProto
import RingfenceWorkstation

/// What a heartbeat reports about the host, read from the machine each time: the users,
/// per agent whose files the workstation installed the SHA-256 of each file as it is now
/// and the hook's state (installed when every file is there and still calls the hook,
/// missing otherwise), and the repositories the hook worked in with whether policy
/// manages them.
public struct InventoryReader: Sendable {
    public var cache: WorkstationCache
    public var hostname: String
    public var os: String
    public var osVersion: String
    public var installerVersion: String
    public var provider: String
    public var users: [String]

    public init(
        cache: WorkstationCache, hostname: String, os: String, osVersion: String = "", installerVersion: String,
        provider: String = "", users: [String]
    ) {
        self.cache = cache
        self.hostname = hostname
        self.os = os
        self.osVersion = osVersion
        self.installerVersion = installerVersion
        self.provider = provider
        self.users = users
    }

    /// The inventory as it is now.
    public func read() -> Ringfence_V1_Inventory {
        var inventory = Ringfence_V1_Inventory()
        inventory.hostname = hostname
        inventory.os = os
        inventory.osVersion = osVersion
        inventory.installerVersion = installerVersion
        inventory.provider = provider
        inventory.users = users
        for kind in AgentKind.allCases {
            guard let install = try? cache.read(WorkstationCache.ManagedInstall.self, at: cache.managedPath(kind))
            else { continue }
            inventory.agents.append(agent(kind, install: install))
        }
        let repositories = cache.repositories()
        for slug in Set(repositories.cached + repositories.seen).sorted() {
            var repo = Ringfence_V1_RepoSeen()
            repo.slug = slug
            let policy = try? cache.read(AgentPolicy.self, at: cache.policyPath(repository: slug))
            repo.managed = policy?.repository?.managed ?? false
            inventory.repos.append(repo)
        }
        return inventory
    }

    func agent(_ kind: AgentKind, install: WorkstationCache.ManagedInstall) -> Ringfence_V1_AgentInstall {
        var agent = Ringfence_V1_AgentInstall()
        agent.kind = kind.rawValue
        agent.hookVersion = installerVersion
        var callsHook = !install.files.isEmpty
        agent.managedFiles = install.files.map { name in
            var file = Ringfence_V1_ManagedFile()
            file.name = name
            let content = FileManager.default.contents(atPath: install.directory + "/" + name)
            file.sha256 = content.map { NativeFile.sha256Hex(Array($0)) } ?? ""
            if !(content.map { String(decoding: $0, as: UTF8.self).contains("--agent \(kind.rawValue)") } ?? false) {
                callsHook = false
            }
            return file
        }
        agent.managedConfigHash = ManagedFiles(agent.managedFiles.map { ($0.name, $0.sha256) }).digest
        agent.hookState = callsHook ? .installed : .missing
        return agent
    }
}
