import Foundation
import RingfenceCore

/// What a host states about itself when it enrols.
public struct HostIdentityRow: Sendable, Equatable {
    public var machineID: String
    public var hostname: String
    public var os: String
    public var osVersion: String
    public var arch: String
    public var installerVersion: String

    public init(machineID: String, hostname: String, os: String = "", osVersion: String = "", arch: String = "",
                installerVersion: String = "") {
        self.machineID = machineID
        self.hostname = hostname
        self.os = os
        self.osVersion = osVersion
        self.arch = arch
        self.installerVersion = installerVersion
    }
}

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

        public init(kind: String, version: String, hookState: String, hookVersion: String = "", managedConfigHash: String = "",
                    managedFiles: [String: String] = [:]) {
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

    public init(hostname: String, os: String = "", osVersion: String = "", installerVersion: String = "", provider: String = "",
                users: [String] = [], agents: [Agent] = [], mcpServers: [MCPServer] = [], repos: [Repo] = []) {
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

/// A stored API key as authentication needs it: never the key itself, only its hash.
public struct StoredAPIKey: Sendable, Equatable {
    public enum Kind: String, Sendable { case agent, admin }

    public var prefix: String
    public var hash: [UInt8]
    public var kind: Kind
    public var hostID: UUID?
    public var expiresAt: Date
    public var revokedAt: Date?
    /// Whether the host the key belongs to was retired.
    public var hostRetired: Bool

    public init(prefix: String, hash: [UInt8], kind: Kind, hostID: UUID?, expiresAt: Date, revokedAt: Date?, hostRetired: Bool) {
        self.prefix = prefix
        self.hash = hash
        self.kind = kind
        self.hostID = hostID
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.hostRetired = hostRetired
    }
}

/// What the fleet knows about a host that policy resolution needs.
public struct HostPolicyFacts: Sendable, Equatable {
    public var ring: Ring?
    public var tags: [String]

    public init(ring: Ring?, tags: [String]) {
        self.ring = ring
        self.tags = tags
    }
}

/// The result of a successful enrolment.
public struct Enrollment: Sendable, Equatable {
    public var hostID: UUID
    /// The ring the token enrolled the host into; nil = from its users' groups.
    public var ring: Ring?
    /// Whether the machine was already enrolled (its earlier keys are now revoked).
    public var reenrolled: Bool
}

/// One host in the fleet view.
public struct FleetHost: Sendable, Equatable {
    /// Heartbeat state relative to the stale threshold.
    public enum Status: String, Sendable { case connected, stale, never }

    public var id: UUID
    public var hostname: String
    public var os: String
    public var installerVersion: String
    public var ring: Ring?
    public var users: [String]
    public var lastHeartbeat: Date?
    public var lastPolicyFetch: Date?
    public var status: Status
    /// Managed files that differ from what was last served (`agent/file`).
    public var driftedFiles: [String] = []
}

/// The fleet at a moment: hosts by heartbeat state, and directory users no host reported.
public struct FleetSummary: Sendable, Equatable {
    public var hosts: [FleetHost]
    /// Active directory users that no live host has reported as a user.
    public var missingUsers: [String]
    public var staleAfter: TimeInterval

    public var connected: Int { hosts.count { $0.status == .connected } }
    public var stale: Int { hosts.count { $0.status == .stale } }
    public var neverSeen: Int { hosts.count { $0.status == .never } }
    public var drifted: Int { hosts.count { !$0.driftedFiles.isEmpty } }
}
