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

    public enum BuildError: Error, CustomStringConvertible {
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
        let queries = ReportQueries(client: client)
        guard let members = try await queries.members(of: group) else { throw BuildError.unknownGroup(group) }
        let moment = min(week.end, now)
        // Whole seconds, so the JSON (ISO 8601) carries it exactly.
        let asOf = Date(timeIntervalSince1970: moment.timeIntervalSince1970.rounded(.down))
        let policy = PolicyStore(client: client)
        guard let revision = try await policy.revision(at: moment) else { throw BuildError.noPolicy(week.description) }
        let snapshot = try await policy.snapshot(revision: revision)
        let ring = snapshot.resolve(DecisionContext(user: "", groups: [group], at: moment)).ring
        let events = try await PopulationStore(client: client).events(from: week.start, until: week.end, users: members)
        let previousVolume = try await queries.volume(members: members, from: week.previous.start, until: week.previous.end)
        return GroupWeekReport(
            week: week.description, group: group, ring: ring.number, asOf: asOf,
            coverage: try await queries.coverage(members: members, asOf: asOf, staleAfter: staleAfter), previousCoverage: nil,
            volume: try await queries.volume(members: members, from: week.start, until: week.end),
            previousVolume: previousVolume.total == 0 ? nil : previousVolume,
            noisyRules: try await queries.noisyRules(members: members, from: week.start, until: week.end),
            nextRing: NextRingImpact.summarize(events: events, ring: ring, snapshot: snapshot),
            revisions: try await queries.revisions(from: week.start, until: week.end))
    }
}
