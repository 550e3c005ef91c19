import Foundation
import Logging
import Metrics
import RingfenceStore
import ServiceLifecycle

/// Runs a scheduled job (`inner`) only on the replica that holds the job's lease
/// (``JobLeaseStore``; docs/reliability.md "One leader per job"). Every `ttl / 3` a replica
/// that does not lead asks for the lease; the leader renews it on the same beat and runs the
/// job. The leader stops the job when it cannot renew for longer than two thirds of `ttl`
/// (before another replica may take it over), and releases the lease at shutdown so the
/// next replica takes over at its next try; a replica that dies is replaced once its lease
/// expires — within `ttl + ttl / 3`.
///
/// Metrics: `ringfence_job_leader{job}` 1 on the leader, 0 elsewhere.
public struct LeaderElectedService: Service {
    let job: String
    let holder: String
    let leases: JobLeaseStore
    let ttl: Duration
    let inner: any Service
    let logger: Logger

    /// The job lost its lease (it could not renew in time).
    struct LeaseLost: Error {}

    public init(job: String, holder: String, leases: JobLeaseStore, ttl: Duration, _ inner: any Service) {
        self.job = job
        self.holder = holder
        self.leases = leases
        self.ttl = ttl
        self.inner = inner
        logger = Logger(label: "ringfence.jobs")
    }

    public func run() async throws {
        let gauge = Gauge(label: "ringfence_job_leader", dimensions: [("job", job)])
        gauge.record(0)
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    if let term = try await leases.acquire(job: job, holder: holder, ttl: ttl) {
                        logger.notice("leading", metadata: ["job": "\(job)", "term": "\(term)", "holder": "\(holder)"])
                        gauge.record(1)
                        try await lead()
                        gauge.record(0)
                    }
                } catch is CancellationError {
                    break
                } catch {
                    gauge.record(0)
                    if Task.isCancelled { break }
                    logger.warning("leading stopped", metadata: ["job": "\(job)", "error": "\(error)"])
                }
                do { try await Task.sleep(for: ttl / 3) } catch { break }
            }
        }
        gauge.record(0)
        try? await leases.release(job: job, holder: holder)
    }

    /// Runs the job while renewing the lease; returns or throws when either stops.
    func lead() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await inner.run() }
            group.addTask {
                var lastRenewed = ContinuousClock.now
                while true {
                    try await Task.sleep(for: ttl / 3)
                    do {
                        guard try await leases.acquire(job: job, holder: holder, ttl: ttl) != nil else {
                            throw LeaseLost()
                        }
                        lastRenewed = .now
                    } catch let error as LeaseLost {
                        throw error
                    } catch {
                        // PostgreSQL away: keep leading while the lease surely holds.
                        if ContinuousClock.now - lastRenewed > ttl * 2 / 3 { throw LeaseLost() }
                    }
                }
            }
            defer { group.cancelAll() }
            try await group.next()
        }
    }
}
