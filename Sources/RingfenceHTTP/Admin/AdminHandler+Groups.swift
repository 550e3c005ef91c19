import Foundation
import RingfenceAdminAPI
import RingfenceCore
import RingfenceServer
import RingfenceStore

/// Directory groups with their rings; a manager sees only the groups they own.
extension AdminHandler {
    public func listGroups(_ input: Operations.ListGroups.Input) async throws -> Operations.ListGroups.Output {
        let principal = try AdminPrincipal.required()
        let (groups, more) = try await directory.groups(
            namePrefix: try AdminInput.text(input.query.name, "name", max: 255),
            ownedBy: principal.role.allows(.readGroups) ? nil : principal.name,
            after: try PageCursor.decode(input.query.cursor, as: DirectoryStore.GroupKey.self),
            limit: try AdminInput.limit(input.query.limit))
        let rings = try await rings(of: groups.map(\.name))
        let next =
            more
            ? groups.last.map { PageCursor.encode(DirectoryStore.GroupKey(name: $0.name.lowercased(), id: $0.id)) }
            : nil
        return .ok(.init(body: .json(.init(items: groups.map { .init($0, ring: rings[$0.name]) }, nextCursor: next))))
    }

    public func getGroup(_ input: Operations.GetGroup.Input) async throws -> Operations.GetGroup.Output {
        let name = try await readableGroup(input.path.group)
        guard let (group, owners, members) = try await directory.group(named: name) else {
            throw AdminFailure.notFound("no group named '\(name)'")
        }
        let ring = try await rings(of: [group.name])[group.name]
        return .ok(.init(body: .json(.init(group: .init(group, ring: ring), owners: owners, members: members))))
    }

    public func getGroupReports(_ input: Operations.GetGroupReports.Input) async throws
        -> Operations.GetGroupReports.Output
    {
        let name = try await readableGroup(input.path.group)
        guard try await directory.group(named: name) != nil else {
            throw AdminFailure.notFound("no group named '\(name)'")
        }
        let weeks = input.query.weeks ?? 12
        guard (1...104).contains(weeks) else { throw AdminFailure.badRequest("weeks must be 1 to 104") }
        let reports = try await reports.weeks(group: name, limit: weeks)
        return .ok(.init(body: .json(.init(items: reports.map { .init($0) }))))
    }

    /// The group's name from the path, if the principal may see it: a manager only the
    /// groups they own (403 otherwise).
    func readableGroup(_ given: String) async throws -> String {
        let principal = try AdminPrincipal.required()
        let name = try AdminInput.required(given, "group", max: 255)
        if !principal.role.allows(.readGroups) {
            let owned = try await directory.ownedGroups(user: principal.name)
            guard owned.contains(where: { $0.lowercased() == name.lowercased() }) else {
                throw AdminFailure.forbidden("\(principal.name) may see only the groups they own")
            }
        }
        return name
    }

    /// The ring each group is mapped to by the policy in force; none before a publish.
    func rings(of groups: [String]) async throws -> [String: Ring] {
        let snapshot: PolicySnapshot
        do {
            snapshot = try await decisions.snapshot(revision: nil, at: nil)
        } catch DecisionQuery.Failure.noPolicy {
            return [:]
        }
        let moment = now()
        var rings: [String: Ring] = [:]
        for group in groups { rings[group] = snapshot.mappedRing(ofGroup: group, at: moment) }
        return rings
    }
}
