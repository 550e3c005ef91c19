import Foundation
import Logging
import RingfenceCore
import RingfenceStore

/// Runs one directory sync: read LDAP, compare with PostgreSQL, guard, apply.
///
/// Every run is recorded in `sync_runs` — started before anything is read, finished as
/// `succeeded`, `refused` (deletion guard), `dry_run` or `failed` with the reason. The
/// changes and the `succeeded` mark are written in one transaction, so a run that fails at
/// any point (LDAP gone mid-read, PostgreSQL error) leaves the mirror exactly as it was.
public struct SyncEngine: Sendable {
    /// What to do.
    public struct Options: Sendable {
        /// Full or incremental; nil chooses incremental when a previous run succeeded
        /// (and the membership source allows it), full otherwise.
        public var mode: SyncPlan.Mode?
        /// Compute and report, write nothing but the run record.
        public var dryRun: Bool
        /// Apply even when the deletion guard objects.
        public var allowMassDelete: Bool

        public init(mode: SyncPlan.Mode? = nil, dryRun: Bool = false, allowMassDelete: Bool = false) {
            self.mode = mode
            self.dryRun = dryRun
            self.allowMassDelete = allowMassDelete
        }
    }

    /// Progress of a run, for people watching long runs.
    public enum Progress: Sendable {
        case readingUsers(Int)
        case readingGroups(Int)
        case comparing
        case applying
    }

    /// How a run ended.
    public struct Outcome: Sendable {
        public typealias Status = SyncRunStatus
        public var runID: Int64
        public var status: Status
        public var mode: SyncPlan.Mode
        public var summary: SyncSummary
        public var violations: [DeletionGuard.Violation]
        public var rejected: [RejectedEntry]
        public var warnings: [String]
        public var elapsed: Duration
        /// Time spent per phase: read (LDAP), load (PostgreSQL state), plan, write.
        public var phases: [(name: String, duration: Duration)]
    }

    /// A run that failed; the run record says so too.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var runID: Int64
        public var underlying: any Error
        public var description: String { "sync run \(runID) failed: \(underlying)" }
    }

    public let configuration: DirectoryConfiguration
    let store: DirectoryStore
    let password: String
    let logger: Logger

    public init(
        configuration: DirectoryConfiguration, store: DirectoryStore, password: String,
        logger: Logger = Logger(label: "ringfence.sync")
    ) {
        self.configuration = configuration
        self.store = store
        self.password = password
        self.logger = logger
    }

    public func run(_ options: Options = Options(), progress: @Sendable (Progress) -> Void = { _ in }) async throws
        -> Outcome
    {
        let clock = ContinuousClock()
        let started = clock.now
        let previous = try await store.lastRun()
        // With member-of, membership lives on the users: an incremental read would miss the
        // memberships of users it does not return, so such runs are always full.
        let mode: SyncPlan.Mode =
            configuration.membership == .memberOf
            ? .full : options.mode ?? (previous?.highWatermark != nil ? .incremental : .full)
        let source = "\(configuration.url) users=\(configuration.userBaseDN) groups=\(configuration.groupBaseDN)"
        let runID = try await store.startRun(mode: mode.rawValue, source: source)
        logger.info("sync started", metadata: ["run": "\(runID)", "mode": "\(mode.rawValue)"])
        do {
            var phases: [(name: String, duration: Duration)] = []
            var mark = clock.now
            func lap(_ name: String) {
                let now = clock.now
                phases.append((name, now - mark))
                mark = now
            }
            let data = try await read(mode: mode, since: previous?.highWatermark, progress: progress)
            lap("read")
            progress(.comparing)
            let state = try await store.loadState()
            lap("load")
            let plan = SyncPlan(current: state, incoming: data, mode: mode, configuration: configuration)
            lap("plan")
            var warnings = plan.cycles.map { "nested groups form a cycle: \($0.joined(separator: " → ")) → \($0[0])" }
            if plan.unresolvedMembers > 0 {
                warnings.append("\(plan.unresolvedMembers) member references point outside the synced users and groups")
            }
            warnings += plan.rejected.prefix(100).map { "rejected \($0)" }
            let counts = Self.counts(plan)
            let violations = DeletionGuard(
                maxDeletions: configuration.maxDeletions, maxShare: configuration.maxDeletionShare
            )
            .violations(of: plan)
            var outcome = Outcome(
                runID: runID, status: .succeeded, mode: mode, summary: plan.summary, violations: violations,
                rejected: plan.rejected, warnings: warnings, elapsed: .zero, phases: [])
            if !violations.isEmpty && !options.allowMassDelete {
                let message =
                    "deletion guard: " + violations.map(\.description).joined(separator: "; ")
                    + ". Nothing was changed; check the base DNs and filters, or re-run with --allow-mass-delete."
                try await store.finishRun(
                    id: runID, status: .refused, counts: counts, error: message, warnings: warnings)
                logger.warning("sync refused by the deletion guard", metadata: ["run": "\(runID)"])
                outcome.status = .refused
            } else if options.dryRun {
                try await store.finishRun(id: runID, status: .dryRun, counts: counts, error: nil, warnings: warnings)
                outcome.status = .dryRun
            } else {
                progress(.applying)
                let watermark =
                    data.users.compactMap(\.modifyTimestamp).max().map { max($0, previous?.highWatermark ?? "") }
                    ?? previous?.highWatermark
                try await store.apply(
                    plan.changes, state: state, runID: runID, counts: counts, highWatermark: watermark,
                    warnings: warnings)
                lap("write")
                outcome.warnings += try await store.mappingsWithoutGroup().map {
                    "\($0) refers to a group that is not in the directory"
                }
                logger.info("sync succeeded", metadata: ["run": "\(runID)"])
            }
            outcome.elapsed = clock.now - started
            outcome.phases = phases
            return outcome
        } catch {
            logger.error("sync failed", metadata: ["run": "\(runID)", "error": "\(error)"])
            try? await store.finishRun(id: runID, status: .failed, counts: .init(), error: "\(error)", warnings: [])
            throw Failure(runID: runID, underlying: error)
        }
    }

    /// Reads users (all, or those modified since the watermark) and all groups.
    func read(mode: SyncPlan.Mode, since watermark: String?, progress: @Sendable (Progress) -> Void) async throws
        -> DirectoryData
    {
        let connection = try await LDAPConnection.open(configuration.connectionOptions)
        do {
            try await connection.bind(dn: configuration.bindDN, password: password)
            var userFilter = configuration.userFilter
            if mode == .incremental, let watermark {
                userFilter = LDAPFilter.and([userFilter, LDAPFilter.greaterOrEqual("modifyTimestamp", watermark)])
            }
            let users = try await connection.search(
                base: configuration.userBaseDN, filter: userFilter,
                attributes: configuration.userAttributes, pageSize: configuration.pageSize
            ) {
                progress(.readingUsers($0))
            }
            let groups = try await connection.search(
                base: configuration.groupBaseDN, filter: configuration.groupFilter,
                attributes: configuration.groupAttributes, pageSize: configuration.pageSize
            ) {
                progress(.readingGroups($0))
            }
            await connection.close()
            return DirectoryMapping(configuration).map(users: users, groups: groups)
        } catch {
            await connection.close()
            throw error
        }
    }

    static func counts(_ plan: SyncPlan) -> DirectoryStore.RunCounts {
        var counts = DirectoryStore.RunCounts()
        let summary = plan.summary
        counts.usersAdded = summary.usersAdded
        counts.usersUpdated = summary.usersUpdated
        counts.usersRemoved = summary.usersRemoved
        counts.groupsAdded = summary.groupsAdded
        counts.groupsUpdated = summary.groupsUpdated
        counts.groupsRemoved = summary.groupsRemoved
        counts.membersAdded = summary.membershipsAdded
        counts.membersRemoved = summary.membershipsRemoved
        counts.rolesChanged = summary.rolesChanged
        counts.entriesRejected = plan.rejected.count
        return counts
    }
}
