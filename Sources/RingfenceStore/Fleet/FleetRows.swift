import Foundation
import RingfenceCore

/// A stored API key as authentication needs it: never the key itself, only its hash.
public struct StoredAPIKey: Sendable, Equatable {
    /// An agent's key (one host), an admin's, or a SCIM provider's bearer token.
    public enum Kind: String, Sendable { case agent, admin, scim }

    public var prefix: String
    public var hash: [UInt8]
    public var kind: Kind
    public var hostID: UUID?
    public var expiresAt: Date
    public var revokedAt: Date?
    /// Whether the host the key belongs to was retired.
    public var hostRetired: Bool
    /// The key's label: a SCIM token's provider; the person or automation an admin token
    /// speaks for.
    public var label: String?
    /// An admin token's role (`admin`, `operator`, `viewer`, `manager`).
    public var role: String?

    public init(
        prefix: String, hash: [UInt8], kind: Kind, hostID: UUID?, expiresAt: Date, revokedAt: Date?, hostRetired: Bool,
        label: String? = nil, role: String? = nil
    ) {
        self.label = label
        self.role = role
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
    /// Users bound to the host (lower-cased, sorted): the only ones its agents may act for.
    public var users: [String]
    /// A shared host: any directory user may act on it.
    public var anyUser: Bool

    public init(ring: Ring?, tags: [String], users: [String] = [], anyUser: Bool = false) {
        self.ring = ring
        self.tags = tags
        self.users = users
        self.anyUser = anyUser
    }

    /// Whether an agent on this host may act for `user` (compared case-insensitively).
    public func admits(user: String) -> Bool {
        anyUser || users.contains(DecisionContext.normalize(user))
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
    /// Hook input the adapters did not understand in the last 7 days (`sources`: hosts).
    public var unrecognized: [UnrecognizedHookInput]

    public var connected: Int { hosts.count { $0.status == .connected } }
    public var stale: Int { hosts.count { $0.status == .stale } }
    public var neverSeen: Int { hosts.count { $0.status == .never } }
    public var drifted: Int { hosts.count { !$0.driftedFiles.isEmpty } }
}
