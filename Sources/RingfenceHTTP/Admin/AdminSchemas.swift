import Foundation
import RingfenceAdminAPI
import RingfenceCore
import RingfenceServer
import RingfenceStore

// Core and store values as the admin API's documents (openapi/admin.yaml). Pure mapping.

extension Components.Schemas.Role {
    init(_ role: AdminRole) {
        switch role {
        case .admin: self = .admin
        case .operator: self = ._operator
        case .viewer: self = .viewer
        case .manager: self = .manager
        }
    }

    var role: AdminRole {
        switch self {
        case .admin: .admin
        case ._operator: .operator
        case .viewer: .viewer
        case .manager: .manager
        }
    }
}

extension Components.Schemas.HostSummary {
    init(_ listed: FleetStore.ListedHost) {
        let host = listed.host
        let status: Components.Schemas.HostStatus =
            switch host.status {
            case .connected: .connected
            case .stale: .stale
            case .never: .silent
            }
        self.init(
            id: host.id.uuidString.lowercased(), hostname: host.hostname, os: host.os,
            installerVersion: host.installerVersion, ring: host.ring?.number, status: status,
            lastHeartbeat: host.lastHeartbeat, lastPolicyFetch: host.lastPolicyFetch, users: host.users,
            agents: listed.agents.map { .init(kind: $0.kind, version: $0.version, hookState: $0.hookState) },
            driftedFiles: host.driftedFiles)
    }
}

extension Components.Schemas.HostDetail {
    init(
        _ listed: FleetStore.ListedHost, inventory: HostInventory, tags: [String], bound: [FleetStore.BoundUser],
        changes: [FleetStore.HostChange], catalogue: [ApprovedMcpServer]
    ) {
        self.init(
            host: .init(listed), osVersion: inventory.osVersion, provider: inventory.provider, tags: tags,
            boundUsers: bound.map(\.user),
            agents: inventory.agents.map {
                .init(
                    kind: $0.kind, version: $0.version, hookState: $0.hookState, hookVersion: $0.hookVersion,
                    provider: $0.provider)
            },
            mcpServers: inventory.mcpServers.map {
                .init(
                    agent: $0.agentKind, name: $0.name, transport: $0.transport, endpoint: $0.endpoint, scope: $0.scope,
                    approved: catalogue.approves(name: $0.name))
            },
            repositories: inventory.repos.map {
                .init(slug: $0.slug, remoteURL: $0.remoteURL, managed: $0.managed, lastSeen: $0.lastSeen)
            },
            changes: changes.map {
                .init(
                    at: $0.at, field: $0.field, oldValue: $0.oldValue, newValue: $0.newValue, actor: $0.actor,
                    comment: $0.comment)
            })
    }
}

extension Components.Schemas.GroupSummary {
    init(_ group: DirectoryStore.ListedGroup, ring: Ring?) {
        self.init(
            name: group.name, dn: group.dn, description: group.description, ring: ring?.number, members: group.members)
    }
}

extension Components.Schemas.Level {
    init(_ level: Level) {
        switch level {
        case .off: self = .off
        case .observe: self = .observe
        case .warn: self = .warn
        case .block: self = .block
        }
    }
}

extension Components.Schemas.Resolution {
    init(_ resolution: Resolution, trace: Bool, matchedOnly: Bool = false) {
        let document = resolution.document(includeTrace: trace)
        self.init(
            user: document.user, groups: document.groups ?? [], roles: document.roles ?? [],
            repository: document.repository.map {
                .init(slug: $0.slug, trust: $0.trust.rawValue, owner: $0.owner, managed: $0.managed, source: $0.source)
            },
            ring: document.ring, ringSource: document.ringSource, etag: document.etag, revision: document.revision,
            at: document.at,
            surfaces: document.surfaces.map { surface in
                .init(
                    surface: surface.surface, level: .init(surface.level), uncappedLevel: .init(surface.uncappedLevel),
                    winningAssignment: surface.winningAssignment, floor: surface.floor,
                    rules: surface.rules.map {
                        .init(
                            pack: $0.pack, packVersion: $0.packVersion, id: $0.id, match: $0.match,
                            level: .init($0.level),
                            uncappedLevel: .init($0.uncappedLevel), risk: $0.risk.rawValue, description: $0.description,
                            assignment: $0.assignment, floor: $0.floor, adjustment: $0.adjustment)
                    })
            },
            trace: document.trace?.map {
                .init(
                    assignment: $0.assignment, priority: $0.priority, pack: $0.pack, packVersion: $0.packVersion,
                    outcome: .init(rawValue: $0.outcome) ?? .notMatched, reason: $0.reason, wonSurfaces: $0.wonSurfaces)
            },
            text: resolution.explanation(includeTrace: trace, matchedOnly: matchedOnly))
    }
}

extension Components.Schemas.Revision {
    init(_ revision: PolicyStore.Revision, diff: PolicyDiff) {
        self.init(
            number: revision.number, createdAt: revision.createdAt, createdBy: revision.createdBy,
            comment: revision.comment, rolledBackFrom: revision.rolledBackFrom, changes: diff.lines)
    }
}

extension Components.Schemas.PolicyPlan {
    /// Level changes listed in full up to this many (the count is always given).
    static let maxChanges = 10_000

    init(_ plan: PolicyPublication.Plan) {
        let impact = plan.impact
        self.init(
            currentRevision: plan.current?.number, changes: plan.diff.lines,
            impact: .init(
                contexts: impact.contexts,
                totalChanges: impact.changes.count,
                changes: impact.changes.prefix(Self.maxChanges).map {
                    .init(
                        user: $0.user, repository: $0.repo, surface: $0.surface.rawValue, from: .init($0.from),
                        to: .init($0.to))
                },
                newlyWarnedEvents: impact.newlyWarned, newlyBlockedEvents: impact.newlyBlocked,
                byGroup: impact.byGroupAndSurface.keys.sorted().flatMap { group in
                    impact.byGroupAndSurface[group, default: [:]].sorted { $0.key < $1.key }.map {
                        .init(group: group, surface: $0.key.rawValue, changes: $0.value)
                    }
                }),
            impactText: impact.lines())
    }
}

extension Components.Schemas.Token {
    init(_ token: FleetStore.AdminToken) {
        self.init(
            prefix: token.prefix, label: token.label, role: .init(token.role), createdAt: token.createdAt,
            expiresAt: token.expiresAt, revokedAt: token.revokedAt, createdBy: token.createdBy)
    }
}
