import Crypto
import Foundation
import RingfenceCore
import RingfenceStore

/// Builds an incident bundle (`ringfence incident export`, docs/reliability.md "Incident
/// bundles") as files in memory — name → bytes — for the command to write: the events of
/// a user or a host over a window with each one's proof into its day's seal, the seals,
/// every decision replayed (``EventExplainer``), the resolutions served with their traces,
/// the revisions in force with their full content, the users' directory records and
/// history (and their groups and roles when the window opened), the hosts' changes, the
/// exception requests, and a manifest of SHA-256 sums signed with the servers' key.
public struct IncidentExporter: Sendable {
    let incidents: IncidentStore
    let seals: EventSealStore
    let resolutions: ResolutionStore
    let directory: DirectoryStore
    let explainer: EventExplainer

    public init(
        incidents: IncidentStore, seals: EventSealStore, resolutions: ResolutionStore, directory: DirectoryStore,
        explainer: EventExplainer
    ) {
        self.incidents = incidents
        self.seals = seals
        self.resolutions = resolutions
        self.directory = directory
        self.explainer = explainer
    }

    /// A decision as exported: the replay of one event.
    struct DecisionEntry: Codable {
        var eventID: String
        var host: UUID
        var revision: Int64
        var revisionNamedByEvent: Bool
        var servedResolution: UUID?
        var groups: [String]
        var roles: [String]
        var hostRing: Int?
        var hostTags: [String]
        var ring: Int
        var ringSource: String
        var replayedETag: String
        var outcome: String
        var differences: [String]
        var rule: RuleEntry?
        var today: String?
    }

    struct RuleEntry: Codable {
        var pack: String
        var id: String
        var level: Level
        var uncappedLevel: Level
        var assignment: String
        var description: String
    }

    /// A resolution served to a host, with its trace.
    struct ResolutionEntry: Codable {
        var id: UUID
        var at: Date
        var host: UUID?
        var user: String
        var agentKind: String
        var repo: String
        var etag: String
        var revision: Int64
        var ring: Int
        var trace: [TraceLine]
    }

    /// A user's groups and roles when the window opened, replayed from history.
    struct DirectoryAtStart: Codable {
        var user: String
        var known: Bool
        var groups: [String]
        var roles: [String]
    }

    /// The bundle's files, manifest and signature included.
    public func export(
        scope: IncidentBundle.Scope, createdBy: String, key: Curve25519.Signing.PrivateKey, now: Date = Date()
    ) async throws -> [String: [UInt8]] {
        let events = try await incidents.events(user: scope.user, host: scope.host, from: scope.from, to: scope.to)
        var files: [String: [UInt8]] = [:]

        // Each event with its proof into the latest seal of its host-day.
        var sealByDay: [HostDay: EventSeal] = [:]
        var proofs: [HostDay: [String: MerkleProof]] = [:]
        for day in Set(events.map { HostDay($0.event) }) {
            guard let sealed = try await seals.latestSeal(host: day.host, day: day.day) else { continue }
            sealByDay[day] = sealed.seal
            proofs[day] = EventSeal.proofs(of: sealed.covered)
        }
        let entries = events.map { stored in
            let day = HostDay(stored.event)
            let seal = sealByDay[day]
            let proof = seal.flatMap { seal in
                stored.receivedAt <= seal.receivedUntil ? proofs[day]?[stored.event.eventID] : nil
            }
            return IncidentBundle.EventEntry(stored.event, receivedAt: stored.receivedAt, seal: seal, proof: proof)
        }
        files[IncidentBundle.eventsName] = try IncidentBundle.lines(entries)
        files[IncidentBundle.sealsName] = Array(
            try IncidentBundle.encoder().encode(
                sealByDay.values.sorted { ($0.hostID.uuidString, $0.day) < ($1.hostID.uuidString, $1.day) }.map(
                    IncidentBundle.SealEntry.init)))

        // Every decision replayed.
        let explanations = try await explainer.explain(events, skippingUnexplainable: true)
        var decisions = explanations.map(Self.decision)
        if explanations.count < events.count {
            let explained = Set(explanations.map { [$0.event.event.hostID.uuidString, $0.event.event.eventID] })
            for event in events.map(\.event) where !explained.contains([event.hostID.uuidString, event.eventID]) {
                decisions.append(Self.unexplained(event))
            }
        }
        files["decisions.jsonl"] = try IncidentBundle.lines(decisions)

        // The resolutions the hosts were served with the etags and revisions the events were
        // decided with (an event no revision explains was decided with none).
        var served: [ResolutionEntry] = []
        var seen: Set<[String]> = []
        for explanation in explanations where !explanation.event.event.policyETag.isEmpty {
            let (event, revision) = (explanation.event.event, explanation.revision.number)
            guard seen.insert([event.hostID.uuidString, event.policyETag, "\(revision)"]).inserted else { continue }
            for row in try await resolutions.served(hostID: event.hostID, etag: event.policyETag, revision: revision) {
                served.append(
                    ResolutionEntry(
                        id: row.id, at: row.at, host: row.hostID, user: row.user, agentKind: row.agentKind,
                        repo: row.repo, etag: row.etag, revision: row.revision, ring: Int(row.ring),
                        trace: (try? JSONDecoder().decode([TraceLine].self, from: Data(row.traceJSON.utf8))) ?? []))
            }
        }
        files["resolutions.jsonl"] = try IncidentBundle.lines(served)

        // The revisions in force over the window, in full.
        for revision in try await incidents.revisionsInForce(from: scope.from, to: scope.to) {
            if let document = try await incidents.revisionDocument(revision) {
                files["revisions/\(revision).json"] = Array(document.utf8)
            }
        }

        // The people and hosts involved.
        let users = Set(events.map { $0.event.user.lowercased() } + [scope.user?.lowercased()].compactMap { $0 })
            .sorted()
        let hosts = Set(events.map(\.event.hostID) + [scope.host].compactMap { $0 }).sorted {
            $0.uuidString < $1.uuidString
        }
        var atStart: [DirectoryAtStart] = []
        for user in users {
            let facts = try await directory.facts(user: user, at: scope.from)
            atStart.append(
                DirectoryAtStart(
                    user: user, known: facts != nil, groups: facts?.groups ?? [], roles: facts?.roles ?? []))
        }
        let records = try await incidents.directory(users: users, from: scope.from, to: scope.to)
        files["directory/users.jsonl"] = Self.jsonLines(records.users)
        files["directory/membership-history.jsonl"] = Self.jsonLines(records.memberships)
        files["directory/role-history.jsonl"] = Self.jsonLines(records.roles)
        files["directory/at-start.json"] = Array(try IncidentBundle.encoder().encode(atStart))
        files["hosts/changes.jsonl"] = Self.jsonLines(
            try await incidents.hostChanges(hosts, from: scope.from, to: scope.to))
        files["exceptions.jsonl"] = Self.jsonLines(
            try await incidents.exceptions(users: users, hosts: hosts, from: scope.from, to: scope.to))

        let (manifest, signature) = try IncidentBundle.sign(
            files: files, scope: scope, createdBy: createdBy, createdAt: now, key: key)
        files[IncidentBundle.manifestName] = manifest
        files[IncidentBundle.signatureName] = signature
        return files
    }

    /// A host's UTC day (`yyyy-MM-dd`), as seals are keyed.
    struct HostDay: Hashable {
        var host: UUID
        var day: String

        init(_ event: AuditEventRecord) {
            host = event.hostID
            day = event.occurredAt.formatted(.iso8601.year().month().day())
        }
    }

    static func jsonLines(_ rows: [String]) -> [UInt8] {
        Array(rows.map { $0 + "\n" }.joined().utf8)
    }

    /// The entry of an event no published revision was in force for.
    static func unexplained(_ event: AuditEventRecord) -> DecisionEntry {
        DecisionEntry(
            eventID: event.eventID, host: event.hostID, revision: 0, revisionNamedByEvent: false, servedResolution: nil,
            groups: [], roles: [], hostRing: nil, hostTags: [], ring: 0, ringSource: "", replayedETag: "",
            outcome: "no-revision", differences: ["no policy revision was in force when it happened"], rule: nil,
            today: nil)
    }

    static func decision(_ explanation: EventExplainer.Explanation) -> DecisionEntry {
        let context = explanation.replayed.context
        let outcome: String
        var differences: [String] = []
        switch explanation.replay.outcome {
        case .reproduced: outcome = "reproduced"
        case .withoutPolicy: outcome = "without-policy"
        case .differs(let reasons):
            outcome = "differs"
            differences = reasons
        }
        return DecisionEntry(
            eventID: explanation.event.event.eventID, host: explanation.event.event.hostID,
            revision: explanation.revision.number, revisionNamedByEvent: explanation.revisionNamedByEvent,
            servedResolution: explanation.served?.id, groups: context.groups, roles: context.roles,
            hostRing: context.hostRing?.number, hostTags: context.hostTags, ring: explanation.replayed.ring.number,
            ringSource: "\(explanation.replayed.ringSource)", replayedETag: explanation.replayed.etag,
            outcome: outcome, differences: differences,
            rule: explanation.replay.rule.map {
                RuleEntry(
                    pack: $0.pack, id: $0.rule.id, level: $0.level, uncappedLevel: $0.uncappedLevel,
                    assignment: $0.assignment, description: $0.rule.description)
            }, today: explanation.todayChange)
    }
}
