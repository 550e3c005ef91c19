import Foundation
import Hummingbird
import RingfenceAdminAPI
import RingfenceCore
import RingfenceServer

/// The console's pages: the control board, the fleet, a host, a group.
extension ConsoleRoutes {
    static let ringNames = [1: "inventory", 2: "audit", 3: "targeted policy", 4: "enforcement"]

    /// The four rings as columns, each group under the ring it is mapped to (ring 1
    /// without a mapping) with its members and, when the rollout plan has a step for it,
    /// its coverage, hooked hosts, block-candidate volume, readiness and gate status; a
    /// manager sees the groups they own.
    func board(_ principal: AdminPrincipal, _ csrf: String) async throws -> Response {
        try Self.require(principal, "listGroups")
        let page = try await handler.listGroups(.init(query: .init(limit: AdminLimits.maxPage))).ok.body.json
        let steps = try await nextSteps(for: principal)
        let byRing = Dictionary(grouping: page.items) { $0.ring ?? 1 }
        var values = layout(principal, csrf, title: "Control board")
        values["more"] = page.nextCursor != nil
        values["shown"] = page.items.count
        values["rings"] = (1...4).map { number -> [String: Any] in
            let groups = byRing[number] ?? []
            return [
                "number": number, "name": Self.ringNames[number] ?? "", "groupCount": groups.count,
                "memberCount": groups.reduce(0) { $0 + $1.members },
                "groups": groups.map { group -> [String: Any] in
                    var values: [String: Any] = [
                        "name": group.name, "path": Self.pathComponent(group.name), "members": group.members,
                    ]
                    if let step = steps[group.name.lowercased()] {
                        values["step"] = [
                            "target": step.targetRing, "decision": step.decision.rawValue,
                            "summary": step.summary ?? "", "measured": step.measured.map(Self.signals) as Any,
                        ]
                    }
                    return values
                },
            ]
        }
        return ConsoleResponse.page(templates.render("board", values))
    }

    func fleet(_ request: Request, _ principal: AdminPrincipal, _ csrf: String) async throws -> Response {
        try Self.require(principal, "listHosts")
        let query = request.uri.queryParameters
        func text(_ name: String) -> String? { query.get(name).flatMap { $0.isEmpty ? nil : $0 } }
        let status = text("status").flatMap(Components.Schemas.HostFilterStatus.init(rawValue:))
        let summary = try await handler.getFleetSummary(.init(query: .init())).ok.body.json
        let page = try await handler.listHosts(
            .init(
                query: .init(
                    status: status, agent: text("agent"), hostname: text("hostname"), limit: 50, cursor: text("cursor"))
            )
        ).ok.body.json
        var values = layout(principal, csrf, title: "Fleet")
        values["summary"] = [
            "hosts": summary.hosts, "connected": summary.connected, "stale": summary.stale, "silent": summary.silent,
            "drifted": summary.drifted, "missingUsers": summary.missingUsers,
        ]
        values["statuses"] = Components.Schemas.HostFilterStatus.allCases.map {
            ["value": $0.rawValue, "selected": $0 == status]
        }
        values["agent"] = text("agent") ?? ""
        values["hostname"] = text("hostname") ?? ""
        values["filtered"] = status != nil || text("agent") != nil || text("hostname") != nil
        values["hosts"] = page.items.map { host -> [String: Any] in
            [
                "id": host.id, "hostname": host.hostname, "status": host.status.rawValue,
                "ring": host.ring.map(String.init) ?? "–",
                "agents": host.agents.map { "\($0.kind) \($0.version) (hook \($0.hookState))" }.joined(separator: ", "),
                "users": host.users.joined(separator: ", "), "heartbeat": Self.time(host.lastHeartbeat),
                "fetch": Self.time(host.lastPolicyFetch), "drifted": host.driftedFiles.joined(separator: ", "),
            ]
        }
        if let cursor = page.nextCursor {
            var components = URLComponents()
            components.path = "/console/fleet"
            components.queryItems =
                [
                    status.map { URLQueryItem(name: "status", value: $0.rawValue) },
                    text("agent").map { URLQueryItem(name: "agent", value: $0) },
                    text("hostname").map { URLQueryItem(name: "hostname", value: $0) },
                ].compactMap { $0 } + [URLQueryItem(name: "cursor", value: cursor)]
            values["next"] = components.string ?? ""
        }
        return ConsoleResponse.page(templates.render("fleet", values))
    }

    func host(_ id: String, _ principal: AdminPrincipal, _ csrf: String) async throws -> Response {
        try Self.require(principal, "getHost")
        let detail = try await handler.getHost(.init(path: .init(hostId: id), query: .init())).ok.body.json
        var values = layout(principal, csrf, title: "Host \(detail.host.hostname)")
        values["status"] = detail.host.status.rawValue
        values["os"] = [detail.host.os, detail.osVersion].filter { !$0.isEmpty }.joined(separator: " ")
        values["installer"] = detail.host.installerVersion
        values["ring"] = detail.host.ring.map(String.init) ?? "from the users' groups"
        values["tags"] = detail.tags.joined(separator: ", ")
        values["bound"] = detail.boundUsers.joined(separator: ", ")
        values["heartbeat"] = Self.time(detail.host.lastHeartbeat)
        values["fetch"] = Self.time(detail.host.lastPolicyFetch)
        values["agents"] = detail.agents.map {
            ["kind": $0.kind, "version": $0.version, "hookState": $0.hookState, "provider": $0.provider]
        }
        values["mcpServers"] = detail.mcpServers.map {
            [
                "agent": $0.agent, "name": $0.name, "transport": $0.transport, "endpoint": $0.endpoint,
                "scope": $0.scope,
                "approved": $0.approved ? "approved" : "not approved",
            ]
        }
        values["repositories"] = detail.repositories.map { ["slug": $0.slug, "managed": $0.managed] }
        values["drifted"] = detail.host.driftedFiles
        return ConsoleResponse.page(templates.render("host", values))
    }

    func group(_ name: String, _ principal: AdminPrincipal, _ csrf: String) async throws -> Response {
        try Self.require(principal, "getGroup")
        let detail = try await handler.getGroup(.init(path: .init(group: name))).ok.body.json
        var values = layout(principal, csrf, title: "Group \(detail.group.name)")
        values["ring"] = detail.group.ring.map { "\($0) · \(Self.ringNames[$0] ?? "")" } ?? "1 (no ring mapping)"
        values["memberCount"] = detail.group.members
        values["owners"] = detail.owners.joined(separator: ", ")
        values["dn"] = detail.group.dn
        let weeks = try await handler.getGroupReports(.init(path: .init(group: name), query: .init(weeks: 12)))
            .ok.body.json.items
        let rings = weeks.first?.memberRings?.additionalProperties ?? [:]
        values["members"] = detail.members.map { ["name": $0, "ring": rings[$0].map(String.init) ?? "–"] }
        if let latest = weeks.first {
            values["latest"] = [
                "week": latest.week, "asOf": Self.time(latest.asOf), "ring": latest.ring, "members": latest.members,
                "missing": latest.missingMembers, "missingNames": latest.missingMemberNames.joined(separator: ", "),
                "connected": latest.hostsConnected, "stale": latest.hostsStale, "silent": latest.hostsSilent,
                "drifted": latest.hostsDrifted, "events": latest.events, "candidates": latest.blockCandidates,
                "newlyWarned": latest.newlyWarned.map(String.init) ?? "–",
                "newlyBlocked": latest.newlyBlocked.map(String.init) ?? "–",
                "noisy": latest.noisyRules.map {
                    ["rule": $0.rule, "surface": $0.surface, "candidates": $0.candidates, "users": $0.usersHit]
                },
            ]
        }
        values["hasWeeks"] = !weeks.isEmpty
        values["weeks"] = weeks.map { week -> [String: Any] in
            let covered = week.members == 0 ? 0 : (week.members - week.missingMembers) * 100 / week.members
            return [
                "week": week.week, "ring": week.ring, "members": week.members, "covered": covered,
                "connected": week.hostsConnected, "events": week.events, "candidates": week.blockCandidates,
                "newlyBlocked": week.newlyBlocked.map(String.init) ?? "–",
            ]
        }
        return ConsoleResponse.page(templates.render("group", values))
    }

    static func time(_ date: Date?) -> String { date.map { $0.formatted(.iso8601) } ?? "never" }

    /// A group name as one path segment.
    static func pathComponent(_ name: String) -> String {
        name.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/")))
            ?? name
    }
}
