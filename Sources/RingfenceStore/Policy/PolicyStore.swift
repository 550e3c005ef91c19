import Crypto
import Foundation
import Logging
import PostgresNIO
import RingfenceCore

/// Policy revisions in PostgreSQL: publishing, loading, history and rollback.
///
/// A revision is the whole policy state: its assignments and mappings (kept as JSON in
/// `policy_revisions.state` and as rows in `assignments`) and references to immutable pack
/// versions (`pack_versions`). Publishing writes a new revision, new pack versions and one
/// `assignment_history` row per added, changed or removed assignment in one transaction,
/// then notifies listeners (`NOTIFY ringfence_policy`). Nothing is updated in place: the
/// history tables refuse UPDATE and DELETE at the database, and a rollback publishes a new
/// revision equal to an old one.
public struct PolicyStore: Sendable {
    /// The LISTEN/NOTIFY channel announcing new revisions (payload: the revision number).
    public static let channel = "ringfence_policy"
    /// Advisory lock serializing publishers ("RFPO").
    static let lockKey: Int64 = 0x5246_504F

    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "ringfence.policy.store")) {
        self.client = client
        self.logger = logger
    }

    /// One published revision.
    public struct Revision: Sendable, Equatable {
        public var number: Int64
        public var createdAt: Date
        public var createdBy: String
        public var comment: String?
        public var rolledBackFrom: Int64?
    }

    /// One line of `assignment_history`.
    public struct HistoryEntry: Sendable, Equatable {
        public var revision: Int64
        public var at: Date
        public var actor: String
        public var assignment: String
        public var change: String
        public var before: String?
        public var after: String?
    }

    /// The JSON kept in `policy_revisions.state`.
    struct State: Codable, Equatable {
        var assignments: [Assignment]
        var rings: [RingMapping]
        var roles: [RoleMapping]
        var packs: [PackReference]
        /// `repositories.yaml`; absent when empty (and in revisions from before it existed).
        var repositories: [RepositoryRule]?
        /// The approved MCP server catalogue; absent when empty (and in older revisions).
        var mcpServers: [ApprovedMcpServer]?
        /// Floors of the whole policy; absent when none (and in older revisions).
        var floors: [RiskFloor]?
        /// Exceptions and holds in force; absent when none (and in older revisions).
        var adjustments: [RuleAdjustment]?
        /// The rollout plan; absent when none (and in older revisions).
        var rollout: RolloutPlan?
        /// Groups the rollout service moved up; absent when none (and in older revisions).
        var promotions: [RingPromotion]?

        struct PackReference: Codable, Hashable {
            var pack: String
            var version: Int
        }
    }

    // MARK: - Reading

    /// The latest revision, nil before the first publish.
    public func currentRevision() async throws -> Revision? {
        try await revisions(limit: 1).first
    }

    /// Revisions, newest first; with `before`, those older than it.
    public func revisions(before: Int64? = nil, limit: Int = 50) async throws -> [Revision] {
        let rows = try await client.query(
            """
            SELECT revision, created_at, created_by, comment, rolled_back_from FROM policy_revisions
            WHERE \(before)::bigint IS NULL OR revision < \(before)
            ORDER BY revision DESC LIMIT \(limit)
            """, logger: logger)
        var result: [Revision] = []
        for try await (number, at, by, comment, from) in rows.decode((Int64, Date, String, String?, Int64?).self) {
            result.append(
                Revision(number: number, createdAt: at, createdBy: by, comment: comment, rolledBackFrom: from))
        }
        return result
    }

    /// The revision in force at a moment: the latest published at or before it.
    public func revision(at moment: Date) async throws -> Int64? {
        let rows = try await client.query(
            "SELECT max(revision) FROM policy_revisions WHERE created_at <= \(moment)", logger: logger)
        for try await number in rows.decode(Int64?.self) { return number }
        return nil
    }

    /// The newest `limit` revisions (older than `before` when given), each with what it
    /// changed against the one before (``PolicyDiff``; the first against nothing) — the
    /// policy part of `ringfence history`.
    public func changes(before: Int64? = nil, limit: Int = 50) async throws -> [(revision: Revision, diff: PolicyDiff)]
    {
        var outlines: [Int64: PolicyBundle] = [:]
        func outline(_ number: Int64) async throws -> PolicyBundle {
            if let known = outlines[number] { return known }
            let loaded = try await bundle(revision: number, rules: false)
            outlines[number] = loaded
            return loaded
        }
        var result: [(revision: Revision, diff: PolicyDiff)] = []
        for revision in try await revisions(before: before, limit: limit) {
            let previous = revision.number > 1 ? try await outline(revision.number - 1) : nil
            result.append((revision, PolicyDiff(from: previous, to: try await outline(revision.number))))
        }
        return result
    }

    /// The bundle of a revision.
    public func bundle(revision: Int64) async throws -> PolicyBundle {
        try await bundle(revision: revision, rules: true)
    }

    /// The bundle of a revision; without `rules`, its pack versions are names and numbers
    /// only (one query instead of one per pack: enough for diffs).
    func bundle(revision: Int64, rules: Bool) async throws -> PolicyBundle {
        let rows = try await client.query(
            "SELECT state::text FROM policy_revisions WHERE revision = \(revision)", logger: logger)
        var text: String?
        for try await value in rows.decode(String.self) { text = value }
        guard let text else { throw PolicyStoreError.unknownRevision(revision) }
        let state = try JSONDecoder().decode(State.self, from: Data(text.utf8))
        var packs: [PackVersion] =
            rules ? [] : state.packs.map { PackVersion(pack: $0.pack, version: $0.version, rules: []) }
        for reference in state.packs where rules {
            let packRows = try await client.query(
                "SELECT rules::text FROM pack_versions WHERE pack = \(reference.pack) AND version = \(reference.version)",
                logger: logger)
            for try await rules in packRows.decode(String.self) {
                let content = try JSONDecoder().decode(PackContent.self, from: Data(rules.utf8))
                packs.append(
                    PackVersion(
                        pack: reference.pack, version: reference.version, description: content.description,
                        rules: content.rules, floors: content.floors ?? []))
            }
        }
        return PolicyBundle(
            packs: packs, assignments: state.assignments, ringMappings: state.rings, roleMappings: state.roles,
            repositories: state.repositories ?? [], mcpServers: state.mcpServers ?? [], floors: state.floors ?? [],
            adjustments: state.adjustments ?? [], rollout: state.rollout, promotions: state.promotions ?? [])
    }

    /// Every pack version ever published, as `pack@version`.
    public func publishedPackVersions() async throws -> Set<String> {
        let rows = try await client.query("SELECT pack, version FROM pack_versions", logger: logger)
        var result = Set<String>()
        for try await (pack, version) in rows.decode((String, Int).self) { result.insert("\(pack)@\(version)") }
        return result
    }

    /// A compiled snapshot of a revision.
    public func snapshot(revision: Int64) async throws -> PolicySnapshot {
        try PolicySnapshot(bundle: try await bundle(revision: revision), revision: revision)
    }

    /// Assignment history, newest first; optionally for one assignment.
    public func history(assignment: String? = nil, limit: Int = 200) async throws -> [HistoryEntry] {
        let rows = try await client.query(
            """
            SELECT revision, at, actor, assignment_id, change, before::text, after::text FROM assignment_history
            WHERE \(assignment)::text IS NULL OR assignment_id = \(assignment)
            ORDER BY id DESC LIMIT \(limit)
            """, logger: logger)
        var result: [HistoryEntry] = []
        for try await (revision, at, actor, id, change, before, after) in rows.decode(
            (Int64, Date, String, String, String, String?, String?).self)
        {
            result.append(
                HistoryEntry(
                    revision: revision, at: at, actor: actor, assignment: id, change: change, before: before,
                    after: after))
        }
        return result
    }

    // MARK: - Publishing

    /// Publishes a bundle as a new revision.
    ///
    /// Exceptions and holds are not part of what a publisher writes: the new revision keeps
    /// those of the current one (``adjust(actor:comment:_:)`` changes them), whatever the
    /// bundle holds.
    ///
    /// - Parameters:
    ///   - expectedCurrent: the revision the publisher looked at (nil = none yet); when
    ///     another publish happened since, nothing is written and
    ///     ``PolicyStoreError/revisionMoved(expected:current:)`` tells to re-run.
    ///   - rolledBackFrom: set by ``rollback(to:actor:expectedCurrent:)``.
    /// - Returns: the new revision number.
    @discardableResult
    public func publish(
        _ bundle: PolicyBundle, actor: String, comment: String? = nil, expectedCurrent: Int64?,
        rolledBackFrom: Int64? = nil
    ) async throws -> Int64 {
        try await publish(actor: actor, comment: comment, rolledBackFrom: rolledBackFrom) { current, kept in
            guard current == expectedCurrent else {
                throw PolicyStoreError.revisionMoved(expected: expectedCurrent, current: current)
            }
            var next = bundle
            next.adjustments = kept.adjustments
            next.promotions = kept.promotions
            return (next, ())
        }.revision
    }

    /// Publishes a new revision equal to the current one but for its exceptions and holds,
    /// which `change` rewrites (it runs under the publish lock, so nothing publishes
    /// between reading and writing); `inTransaction` then runs in the publish's transaction
    /// with the new revision (a throw there writes nothing). Returns the new revision and
    /// what `change` returned.
    public func adjust<Result: Sendable>(
        actor: String, comment: String,
        change: @escaping @Sendable ([RuleAdjustment]) throws -> (adjustments: [RuleAdjustment], result: Result),
        inTransaction: @escaping @Sendable (PostgresConnection, Int64) async throws -> Void = { _, _ in }
    ) async throws -> (revision: Int64, result: Result) {
        try await publish(actor: actor, comment: comment, rolledBackFrom: nil, also: inTransaction) { current, kept in
            guard let current else { throw PolicyStoreError.noPolicy }
            var bundle = try await self.bundle(revision: current)
            let (next, result) = try change(kept.adjustments)
            bundle.adjustments = next
            return (bundle, result)
        }
    }

    /// Publishes a new revision equal to the current one but for its promotions, which
    /// `change` rewrites under the publish lock (as ``adjust(actor:comment:change:inTransaction:)``
    /// does for exceptions and holds).
    public func promote<Result: Sendable>(
        actor: String, comment: String,
        change: @escaping @Sendable ([RingPromotion]) throws -> (promotions: [RingPromotion], result: Result),
        inTransaction: @escaping @Sendable (PostgresConnection, Int64) async throws -> Void = { _, _ in }
    ) async throws -> (revision: Int64, result: Result) {
        try await publish(actor: actor, comment: comment, rolledBackFrom: nil, also: inTransaction) { current, kept in
            guard let current else { throw PolicyStoreError.noPolicy }
            var bundle = try await self.bundle(revision: current)
            let (next, result) = try change(kept.promotions)
            bundle.promotions = next
            return (bundle, result)
        }
    }

    /// What a publish keeps from the current revision, whatever the publisher's bundle holds.
    struct Kept: Sendable {
        var adjustments: [RuleAdjustment] = []
        var promotions: [RingPromotion] = []
    }

    /// The one way a revision is written: under the publish lock, `make` gets the current
    /// revision with what publishes keep (adjustments, promotions) and returns the bundle to publish.
    private func publish<Result: Sendable>(
        actor: String, comment: String?, rolledBackFrom: Int64?,
        also: @escaping @Sendable (PostgresConnection, Int64) async throws -> Void = { _, _ in },
        make: @Sendable (_ current: Int64?, _ kept: Kept) async throws -> (PolicyBundle, Result)
    ) async throws -> (revision: Int64, result: Result) {
        let (revision, result) = try await client.transaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
            var current: Int64?
            var kept = Kept()
            for try await (value, adjustments, promotions) in try await connection.query(
                """
                SELECT revision, coalesce(state->'adjustments', '[]'::jsonb)::text,
                       coalesce(state->'promotions', '[]'::jsonb)::text
                FROM policy_revisions ORDER BY revision DESC LIMIT 1
                """, logger: logger
            ).decode((Int64, String, String).self) {
                current = value
                kept.adjustments = try JSONDecoder().decode([RuleAdjustment].self, from: Data(adjustments.utf8))
                kept.promotions = try JSONDecoder().decode([RingPromotion].self, from: Data(promotions.utf8))
            }
            let (bundle, result) = try await make(current, kept)
            let problems = bundle.validate()
            guard problems.isEmpty else { throw PolicyStoreError.invalid(problems.map(\.message)) }
            let state = State(
                assignments: bundle.assignments.sorted { $0.id < $1.id },
                rings: bundle.ringMappings, roles: bundle.roleMappings,
                packs: bundle.packs.map { .init(pack: $0.pack, version: $0.version) }.sorted {
                    ($0.pack, $0.version) < ($1.pack, $1.version)
                }, repositories: bundle.repositories.isEmpty ? nil : bundle.repositories,
                mcpServers: bundle.mcpServers.isEmpty ? nil : bundle.mcpServers,
                floors: bundle.floors.isEmpty ? nil : bundle.floors,
                adjustments: bundle.adjustments.isEmpty ? nil : bundle.adjustments, rollout: bundle.rollout,
                promotions: bundle.promotions.isEmpty ? nil : bundle.promotions)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let stateJSON = String(decoding: try encoder.encode(state), as: UTF8.self)
            let stateHash = Array(SHA256.hash(data: Data(stateJSON.utf8))).hex
            let revision = (current ?? 0) + 1

            try await connection.query(
                """
                INSERT INTO policy_revisions (revision, created_by, comment, rolled_back_from, state, state_hash)
                VALUES (\(revision), \(actor), \(comment), \(rolledBackFrom), \(stateJSON)::jsonb, \(stateHash))
                """, logger: logger)

            try await Self.insertPackVersions(bundle.packs, revision: revision, connection: connection, logger: logger)
            try await Self.insertAssignments(
                state.assignments, revision: revision, previousRevision: current, actor: actor,
                connection: connection, logger: logger)
            try await Self.replaceMappings(bundle, connection: connection, logger: logger)
            try await also(connection, revision)
            try await connection.query("SELECT pg_notify(\(Self.channel), \(String(revision)))", logger: logger)
            return (revision, result)
        }
        logger.info("policy published", metadata: ["revision": "\(revision)", "actor": "\(actor)"])
        return (revision, result)
    }

    /// Publishes a new revision equal to an old one (its exceptions, holds and promotions
    /// kept from the current one, as every publish does). The comment is `rollback to
    /// revision N`, followed by `comment` when given.
    @discardableResult
    public func rollback(to revision: Int64, actor: String, comment: String? = nil, expectedCurrent: Int64?)
        async throws -> Int64
    {
        let bundle = try await bundle(revision: revision)
        return try await publish(
            bundle, actor: actor, comment: "rollback to revision \(revision)" + (comment.map { ": \($0)" } ?? ""),
            expectedCurrent: expectedCurrent, rolledBackFrom: revision)
    }
}

/// How pack version content is stored (`pack_versions.rules`).
struct PackContent: Codable {
    var description: String
    var rules: [Rule]
    /// The pack's floors; absent when none (and in versions from before floors).
    var floors: [RiskFloor]?
}

/// Why a policy operation was refused.
public enum PolicyStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The policy does not validate; nothing was written.
    case invalid([String])
    /// Another publish happened since the publisher looked; nothing was written.
    case revisionMoved(expected: Int64?, current: Int64?)
    /// A pack version number was reused with other content; nothing was written.
    case packVersionChanged(pack: String, version: Int)
    /// No such revision.
    case unknownRevision(Int64)
    /// Nothing has been published yet.
    case noPolicy

    public var description: String {
        switch self {
        case .invalid(let problems):
            "invalid policy, nothing was published: " + problems.joined(separator: "; ")
        case .revisionMoved(let expected, let current):
            "revision moved (expected \(expected.map(String.init) ?? "none"), now \(current.map(String.init) ?? "none")): another publish happened since; re-run"
        case .packVersionChanged(let pack, let version):
            "pack \(pack) version \(version) is already published with other rules; published versions never change, publish version \(version + 1)"
        case .unknownRevision(let revision):
            "no policy revision \(revision)"
        case .noPolicy:
            "no policy has been published yet"
        }
    }
}
