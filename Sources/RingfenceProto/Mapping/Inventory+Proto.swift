import Foundation
import RingfenceCore
import SwiftProtobuf

extension Ringfence_V1_Inventory {
    /// The wire form of an inventory a workstation read; `validated(now:)` turns it back.
    public init(_ inventory: HostInventory) {
        self.init()
        hostname = inventory.hostname
        os = inventory.os
        osVersion = inventory.osVersion
        installerVersion = inventory.installerVersion
        provider = inventory.provider
        users = inventory.users
        agents = inventory.agents.map(Ringfence_V1_AgentInstall.init)
        mcpServers = inventory.mcpServers.map { server in
            var wire = Ringfence_V1_McpServer()
            wire.agentKind = server.agentKind
            wire.name = server.name
            wire.transport = server.transport
            wire.endpoint = server.endpoint
            wire.scope = server.scope
            return wire
        }
        repos = inventory.repos.map { repo in
            var wire = Ringfence_V1_RepoSeen()
            wire.slug = repo.slug
            wire.remoteURL = repo.remoteURL
            wire.managed = repo.managed
            wire.lastSeen = Google_Protobuf_Timestamp(date: repo.lastSeen)
            return wire
        }
    }
}

extension Ringfence_V1_AgentInstall {
    /// The wire form of one agent; managed files in name order.
    public init(_ agent: HostInventory.Agent) {
        self.init()
        kind = agent.kind
        version = agent.version
        hookState = Ringfence_V1_HookState(name: agent.hookState)
        hookVersion = agent.hookVersion
        managedConfigHash = agent.managedConfigHash
        managedFiles = agent.managedFiles.keys.sorted().map { name in
            var file = Ringfence_V1_ManagedFile()
            file.name = name
            file.sha256 = agent.managedFiles[name] ?? ""
            return file
        }
        precedenceSources = agent.precedenceSources
        provider = agent.provider
    }
}

extension Ringfence_V1_HookState {
    /// The state a stored name stands for (`unspecified` for `unknown` or a name this
    /// build does not know); the inverse of `name`.
    public init(name: String) {
        self =
            switch name {
            case "installed": .installed
            case "missing": .missing
            case "disabled": .disabled
            case "outdated": .outdated
            case "error": .error
            case "modified": .modified
            default: .unspecified
            }
    }
}
