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
/// One run at a time holds the sync run lock; a run whose process died is marked
/// `abandoned` by the next one (`DirectoryStore.withRunLock`).
public struct SyncEngine: Sendable {
    /// What to do.
    public struct Options: Sendable {
        /// Full or incremental; nil chooses incremental when a previous run succeeded
        /// against the same server (and users' memberOf is not read), full otherwise.
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
        /// Direct memberships found through each member attribute.
        public var membershipsByAttribute: [String: Int] = [:]
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

    /// Runs one sync holding the sync run lock (one run at a time across replicas and
    /// `ringfence sync` by hand).
    ///
    /// - Throws: `DirectoryStore.SyncBusy` at once when another run holds the lock;
    ///   ``Failure`` when the run failed (recorded as failed).
    public func run(_ options: Options = Options(), progress: @Sendable (Progress) -> Void = { _ in }) async throws
        -> Outcome
    {
        try await store.withRunLock { abandoned in
            try await runLocked(options, abandoned: abandoned, progress: progress)
        }
    }

    private func runLocked(_ options: Options, abandoned: [Int64], progress: @Sendable (Progress) -> Void)
        async throws -> Outcome
    {
        let clock = ContinuousClock()
        let started = clock.now
        let previous = try await store.lastRun()
        let mode = options.mode ?? (previous?.highWatermark != nil ? .incremental : .full)
        let source = "\(configuration.url) users=\(configuration.userBaseDN) groups=\(configuration.groupBaseDN)"
        let runID = try await store.startRun(mode: mode.rawValue, source: source)
        logger.info("sync started", metadata: ["run": "\(runID)", "mode": "\(mode.rawValue)"])
        var outcome = Outcome(
            runID: runID, status: .succeeded, mode: mode, summary: SyncSummary(), violations: [], rejected: [],
            warnings: [], elapsed: .zero, phases: [])
        do {
            var phases: [(name: String, duration: Duration)] = []
            var mark = clock.now
            func lap(_ name: String) {
                let now = clock.now
                phases.append((name, now - mark))
                mark = now
            }
            let read = try await read(mode: mode, since: previous?.highWatermark, progress: progress)
            let data = read.data
            if read.mode != mode {
                outcome.mode = read.mode
                try await store.setRunMode(id: runID, mode: read.mode.rawValue)
            }
            lap("read")
            progress(.comparing)
            let state = try await store.loadState()
            lap("load")
            let plan = SyncPlan(current: state, incoming: data, mode: read.mode, configuration: configuration)
            lap("plan")
            var warnings = abandoned.map {
                "run \($0) was abandoned: its process stopped before it finished (nothing of it was written)"
            }
            warnings += read.warnings
            warnings += plan.cycles.map { "nested groups form a cycle: \($0.joined(separator: " → ")) → \($0[0])" }
            if let unresolved = plan.unresolved.warning { warnings.append(unresolved) }
            warnings += plan.unreadGroups.prefix(UnresolvedMembers.namedLimit).map {
                "group \($0): none of its object classes has a member attribute in directory.groups.members, so its members were not read"
            }
            if plan.unreadGroups.count > UnresolvedMembers.namedLimit {
                warnings.append(
                    "\(plan.unreadGroups.count - UnresolvedMembers.namedLimit) more groups whose members were not read")
            }
            warnings += plan.rejected.prefix(100).map { "rejected \($0)" }
            let counts = Self.counts(plan)
            let violations = DeletionGuard(
                maxDeletions: configuration.maxDeletions, maxShare: configuration.maxDeletionShare
            )
            .violations(of: plan)
            outcome.summary = plan.summary
            outcome.violations = violations
            outcome.rejected = plan.rejected
            outcome.warnings = warnings
            outcome.membershipsByAttribute = plan.membershipsByAttribute
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
                try await store.apply(
                    plan.changes, state: state, runID: runID, counts: counts, highWatermark: read.watermark,
                    warnings: warnings, fullRun: read.mode == .full)
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

    /// What one read of the directory produced.
    struct Read {
        var data: DirectoryData
        /// The mode the run turned out to be (an incremental run whose watermark does not
        /// belong to this server is full).
        var mode: SyncPlan.Mode
        /// The next run's starting point.
        var watermark: String?
        var warnings: [String]
    }

    /// Reads users (all, or those changed since the watermark), deleted users (Active
    /// Directory, incremental) and all groups, mapping each page as it arrives.
    func read(mode requested: SyncPlan.Mode, since previous: String?, progress: @Sendable (Progress) -> Void)
        async throws -> Read
    {
        let connection = try await LDAPConnection.open(configuration.connectionOptions)
        do {
            try await connection.bind(dn: configuration.bindDN, password: password)
            let tracker = try await ChangeTracker.start(
                configuration: configuration, connection: connection, previous: previous)
            // Users' memberOf lists are only complete in a full read.
            var mode = requested
            if mode == .incremental && (configuration.userMemberOfAttribute != nil || tracker.since == nil) {
                mode = .full
            }
            var result = Read(data: DirectoryData(), mode: mode, watermark: nil, warnings: [])
            let mapping = DirectoryMapping(configuration)
            var userFilter = configuration.userFilter
            if mode == .incremental, let changed = tracker.changedFilter {
                userFilter = LDAPFilter.and([userFilter, changed])
            }
            let userStatistics = try await connection.search(
                base: configuration.userBaseDN, filter: userFilter, attributes: configuration.userAttributes,
                pageSize: configuration.pageSize
            ) { (page: [LDAPEntry]) in
                mapping.add(users: page, to: &result.data)
                progress(.readingUsers(result.data.users.count + result.data.rejected.count))
            }
            if mode == .incremental, let deleted = tracker.deletedSearch() {
                try await connection.search(
                    base: deleted.base, scope: .oneLevel, filter: deleted.filter,
                    attributes: [configuration.userIdAttribute], pageSize: configuration.pageSize,
                    controls: [.showDeleted]
                ) { (page: [LDAPEntry]) in
                    result.data.deletedUsers += page.compactMap { mapping.identity($0, configuration.userIdAttribute) }
                }
            }
            var groupCount = 0
            let groupStatistics = try await connection.search(
                base: configuration.groupBaseDN, filter: configuration.groupFilter,
                attributes: configuration.groupAttributes, pageSize: configuration.pageSize,
                rangeSize: configuration.memberRangeSize
            ) { (page: [LDAPEntry]) in
                mapping.add(groups: page, to: &result.data)
                groupCount += page.count
                progress(.readingGroups(groupCount))
            }
            await connection.close()
            if let limit = [userStatistics.serverPageLimit, groupStatistics.serverPageLimit].compactMap({ $0 }).max() {
                result.warnings.append(
                    "directory.pageSize is \(configuration.pageSize) but the server sent pages of at most \(limit) entries: its page limit is lower (every entry was still read)"
                )
            }
            result.watermark = tracker.watermark(after: result.data, previous: previous)
            return result
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
        counts.membersUnresolved = plan.unresolved.count
        counts.membershipsByAttribute = plan.membershipsByAttribute
        return counts
    }
}
