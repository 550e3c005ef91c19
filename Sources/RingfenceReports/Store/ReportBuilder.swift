import Foundation
import Logging
import PostgresNIO
import RingfenceCore
import RingfenceStore

/// Assembles one group's weekly report from `ReportQueries`, the grouped events of its
/// members and the policy in force at the end of the week.
public struct ReportBuilder: Sendable {
    let client: PostgresClient
    let staleAfter: TimeInterval

    public init(client: PostgresClient, staleAfter: TimeInterval = 86_400) {
        self.client = client
        self.staleAfter = staleAfter
    }

    public enum BuildError: Error, Sendable, CustomStringConvertible {
        case unknownGroup(String)
        case noPolicy(String)

        public var description: String {
            switch self {
            case .unknownGroup(let group): "no directory group named '\(group)' (run ringfence sync first?)"
            case .noPolicy(let week): "no policy revision was published by the end of \(week)"
            }
        }
    }

    /// The report of `group` for `week`; coverage as of the end of the week, or `now` if earlier.
    public func build(group: String, week: ISOWeek, now: Date = Date()) async throws -> GroupWeekReport {
        try await build(groups: [group], week: week, now: now)[0].1.get()
    }

    /// The reports of `groups` for `week`, in order, each a report or why there is none.
    /// The week's events are aggregated once for all of them (per user, in PostgreSQL).
    ///
    /// Not optimised: Swift 6.3.1 crashes compiling this function with -O (LLVM coroutine
    /// splitting, signal 11); the work is in the queries and the helpers it calls.
    @_optimize(none)
    public func build(groups: [String], week: ISOWeek, now: Date = Date()) async throws -> [(
        String, Result<GroupWeekReport, BuildError>
    )] {
        let queries = ReportQueries(client: client)
        let members = try await Self.members(of: groups, queries: queries)
        let moment = min(week.end, now)
        // Whole seconds, so the JSON (ISO 8601) carries it exactly.
        let asOf = moment.wholeSeconds
        let snapshot = try await Self.policy(at: moment, client: client)
        if snapshot == nil { return groups.map { ($0, .failure(BuildError.noPolicy(week.description))) } }
        // One group: only its members' events; several: one pass over everyone's.
        let users = groups.count == 1 ? members[groups[0]] ?? [] : nil
        let current = try await queries.aggregates(from: week.start, until: week.end, users: users)
        let previous = try await queries.aggregates(
            from: week.previous.start, until: week.previous.end, users: users, matches: false)
        let revisions = try await queries.revisions(from: week.start, until: week.end)
        let notes = try await queries.revisionNotes(from: week.start, until: week.end)
        var reports: [(String, Result<GroupWeekReport, BuildError>)] = []
        for group in groups {
            guard let people = members[group] else {
                reports.append((group, .failure(.unknownGroup(group))))
                continue
            }
            let coverage = try await queries.coverage(members: people, asOf: asOf, staleAfter: staleAfter)
            let lastWeek = try await ReportRecords(client: client).coverageHeadline(week: week.previous, group: group)
            let rollout = try await RolloutStore(client: client).events(limit: 200, group: group, since: week.start)
                .filter { $0.at < week.end }.reversed()
            var report = Self.report(
                group: group, members: people, week: week, moment: moment, asOf: asOf, coverage: coverage,
                previousCoverage: lastWeek,
                current: current, previous: previous, snapshot: snapshot!, revisions: revisions)
            // Whole seconds, so the JSON (ISO 8601) carries every moment exactly.
            report.rollout = rollout.map { event in
                var event = event
                event.at = event.at.wholeSeconds
                return event
            }
            let names = try await queries.names(members: people, asOf: asOf, staleAfter: staleAfter)
            func rounded(_ hosts: [GroupWeekReport.HostNote]) -> [GroupWeekReport.HostNote] {
                hosts.map { host in
                    var host = host
                    host.lastHeartbeat = host.lastHeartbeat?.wholeSeconds
                    return host
                }
            }
            report.names = GroupWeekReport.Names(
                missingMembers: names.missing, staleHosts: rounded(names.stale), driftedHosts: rounded(names.drifted),
                activeMembers: people.filter { current.volume[$0] != nil }.count)
            report.names?.memberRings = Self.rings(
                of: people, groups: try await queries.groups(of: people), snapshot: snapshot!, at: moment)
            report.revisionNotes = notes
            report.holds = snapshot!.bundle.adjustments.filter {
                $0.kind == .hold && $0.group?.lowercased() == group.lowercased() && $0.isValid(at: moment)
            }
            reports.append((group, .success(report)))
        }
        return reports
    }

    /// One group's report from what was loaded for all. (Synchronous and separate: Swift
    /// 6.3.1 crashes in release builds — LLVM coroutine splitting — when this is inline
    /// in the async loop above.)
    static func report(
        group: String, members: [String], week: ISOWeek, moment: Date, asOf: Date,
        coverage: GroupWeekReport.Coverage, previousCoverage: GroupWeekReport.CoverageHeadline?,
        current: WeekAggregates, previous: WeekAggregates,
        snapshot: PolicySnapshot, revisions: [Int64]
    ) -> GroupWeekReport {
        let ring = snapshot.resolve(DecisionContext(user: "", groups: [group], at: moment)).ring
        let previousVolume = previous.volume(of: members)
        var noisyRules = current.noisyRules(of: members)
        for index in noisyRules.indices {
            let rule = noisyRules[index]
            noisyRules[index].description =
                snapshot.bundle.packs.filter { $0.pack == rule.pack }
                .max { $0.version < $1.version }?.rules.first { $0.id == rule.ruleID }?.description.nonEmpty
        }
        return GroupWeekReport(
            week: week.description, group: group, ring: ring.number, asOf: asOf, coverage: coverage,
            previousCoverage: previousCoverage,
            volume: current.volume(of: members), previousVolume: previousVolume.total == 0 ? nil : previousVolume,
            noisyRules: noisyRules,
            nextRing: NextRingImpact.summarize(events: current.matches(of: members), ring: ring, snapshot: snapshot),
            revisions: revisions, unrecognizedInputs: current.unrecognizedInputs(of: members))
    }

    /// How many members are in each ring, resolved from all their groups at `moment`.
    static func rings(of members: [String], groups: [String: [String]], snapshot: PolicySnapshot, at moment: Date)
        -> [String: Int]
    {
        var counts: [String: Int] = [:]
        for member in members {
            let ring = snapshot.resolve(DecisionContext(user: member, groups: groups[member] ?? [], at: moment)).ring
            counts["\(ring.number)", default: 0] += 1
        }
        return counts
    }

    /// Members of each group that exists in the directory.
    static func members(of groups: [String], queries: ReportQueries) async throws -> [String: [String]] {
        var members: [String: [String]] = [:]
        for group in groups {
            if let people = try await queries.members(of: group) { members[group] = people }
        }
        return members
    }

    /// The groups the policy in force at the end of `week` (or `now`, if earlier) maps to a
    /// ring, sorted; nil when no policy was published by then.
    public static func mappedGroups(week: ISOWeek, now: Date = Date(), client: PostgresClient) async throws -> [String]?
    {
        let store = PolicyStore(client: client)
        guard let revision = try await store.revision(at: min(week.end, now)) else { return nil }
        return Array(Set(try await store.bundle(revision: revision).effectiveRingMappings.map(\.group))).sorted()
    }

    /// The policy in force at `moment`, if any was published by then.
    /// (Not optimized: Swift 6.3.1's LLVM coroutine splitting crashes on this function in
    /// release builds once `PolicyStore.snapshot` is inlined into it.)
    @_optimize(none)
    static func policy(at moment: Date, client: PostgresClient) async throws -> PolicySnapshot? {
        let store = PolicyStore(client: client)
        guard let revision = try await store.revision(at: moment) else { return nil }
        return try await store.snapshot(revision: revision)
    }
}

extension String {
    /// Nil for an empty text.
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}

extension Date {
    /// The moment without its fraction of a second.
    fileprivate var wholeSeconds: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}
