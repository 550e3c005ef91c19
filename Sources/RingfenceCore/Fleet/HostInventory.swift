import Foundation

/// A host's full inventory as its heartbeat reports it. Lists replace the stored ones.
public struct HostInventory: Sendable, Equatable {
    /// One agent installed on the host.
    public struct Agent: Sendable, Equatable {
        public var kind: String
        public var version: String
        public var hookState: String
        public var hookVersion: String
        public var managedConfigHash: String
        /// SHA-256 of each managed file the host holds for this agent ("" when missing).
        public var managedFiles: [String: String]
        /// Managed sources the agent reads instead of the served files (a drift risk).
        public var precedenceSources: [String]
        /// The model provider the agent's configuration selects ("" when it does not say).
        public var provider: String

        public init(
            kind: String, version: String, hookState: String, hookVersion: String = "", managedConfigHash: String = "",
            managedFiles: [String: String] = [:], precedenceSources: [String] = [], provider: String = ""
        ) {
            self.precedenceSources = precedenceSources
            self.provider = provider
            self.kind = kind
            self.version = version
            self.hookState = hookState
            self.hookVersion = hookVersion
            self.managedConfigHash = managedConfigHash
            self.managedFiles = managedFiles
        }
    }

    /// One MCP server configured in an agent.
    public struct MCPServer: Sendable, Equatable {
        public var agentKind: String
        public var name: String
        public var transport: String
        public var endpoint: String
        public var scope: String

        public init(agentKind: String, name: String, transport: String, endpoint: String, scope: String) {
            self.agentKind = agentKind
            self.name = name
            self.transport = transport
            self.endpoint = endpoint
            self.scope = scope
        }
    }

    /// One repository worked in.
    public struct Repo: Sendable, Equatable {
        public var slug: String
        public var remoteURL: String
        public var managed: Bool
        public var lastSeen: Date

        public init(slug: String, remoteURL: String, managed: Bool, lastSeen: Date) {
            self.slug = slug
            self.remoteURL = remoteURL
            self.managed = managed
            self.lastSeen = lastSeen
        }
    }

    public var hostname: String
    public var os: String
    public var osVersion: String
    public var installerVersion: String
    public var provider: String
    public var users: [String]
    public var agents: [Agent]
    public var mcpServers: [MCPServer]
    public var repos: [Repo]

    public init(
        hostname: String, os: String = "", osVersion: String = "", installerVersion: String = "", provider: String = "",
        users: [String] = [], agents: [Agent] = [], mcpServers: [MCPServer] = [], repos: [Repo] = []
    ) {
        self.hostname = hostname
        self.os = os
        self.osVersion = osVersion
        self.installerVersion = installerVersion
        self.provider = provider
        self.users = users
        self.agents = agents
        self.mcpServers = mcpServers
        self.repos = repos
    }
}
