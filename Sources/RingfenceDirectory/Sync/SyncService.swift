import Foundation
import Logging
import RingfenceCore
import RingfenceStore
import ServiceLifecycle

/// Runs directory syncs on the schedule of the configuration, for `ringfence serve`.
///
/// A failed or refused run is logged and recorded (in `sync_runs`) and the schedule goes
/// on, as it does after a round skipped because another sync (one run by hand) holds the
/// run lock; the service stops at graceful shutdown, never in the middle of writing (a
/// run's changes are one transaction).
public struct SyncService: Service {
    let engine: SyncEngine
    let schedule: SyncSchedule
    let logger: Logger

    public init(engine: SyncEngine, logger: Logger = Logger(label: "ringfence.sync.schedule")) {
        self.engine = engine
        self.schedule = SyncSchedule(
            incrementalEvery: TimeInterval(engine.configuration.incrementalEverySeconds),
            fullEvery: TimeInterval(engine.configuration.fullEverySeconds))
        self.logger = logger
    }

    public func run() async throws {
        var lastFull: Date?
        var lastRun: Date?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let (mode, at) = schedule.next(lastFull: lastFull, lastRun: lastRun, now: Date())
            let wait = at.timeIntervalSinceNow
            if wait > 0 {
                do {
                    try await gracefulShutdown(wait)
                } catch {
                    return  // shutting down
                }
            }
            let started = Date()
            do {
                let outcome = try await engine.run(.init(mode: mode))
                logger.notice(
                    "scheduled sync finished",
                    metadata: [
                        "run": "\(outcome.runID)", "mode": "\(mode.rawValue)", "status": "\(outcome.status.rawValue)",
                        "users_added": "\(outcome.summary.usersAdded)",
                        "users_removed": "\(outcome.summary.usersRemoved)",
                        "memberships_added": "\(outcome.summary.membershipsAdded)",
                        "memberships_removed": "\(outcome.summary.membershipsRemoved)",
                    ])
            } catch let busy as DirectoryStore.SyncBusy {
                logger.notice(
                    "scheduled sync skipped: another sync is running; the schedule goes on",
                    metadata: ["mode": "\(mode.rawValue)", "reason": "\(busy)"])
            } catch {
                logger.error(
                    "scheduled sync failed; the schedule goes on",
                    metadata: ["mode": "\(mode.rawValue)", "error": "\(error)"])
            }
            lastRun = started
            if mode == .full { lastFull = started }
        }
    }

    /// Sleeps, ending early (by throwing) at graceful shutdown.
    private func gracefulShutdown(_ seconds: TimeInterval) async throws {
        try await cancelWhenGracefulShutdown {
            try await Task.sleep(for: .seconds(seconds))
        }
    }
}
