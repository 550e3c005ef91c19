import Crypto
import Foundation
import Logging
import RingfenceCore
import RingfenceStore
import Synchronization

/// Collects what policy fetches leave behind — each host's last fetch time and etag, and
/// each distinct resolution served with its trace — and writes them in batches, so a
/// login costs no database write of its own.
///
/// A resolution is stored once per (host, context, etag, revision): its id is derived
/// from those, so the agent gets the id at once and a repeat is a no-op. `flush()` writes
/// what is pending; `ringfence serve` calls it every `evidenceFlushSeconds` and on
/// shutdown. What is pending when the process is killed is lost — fetch times and
/// resolution traces are evidence of serving, not agent data; nothing an agent sent is
/// held here.
public final class EvidenceRecorder: Sendable {
    let fleet: FleetStore
    let resolutions: ResolutionStore
    let logger: Logger
    private let pending = Mutex<Pending>(Pending())

    struct Pending {
        var fetches: [UUID: FleetStore.PolicyFetch] = [:]
        var resolutions: [ResolutionStore.StoredResolution] = []
        /// Ids stored or queued lately; cleared when large (a repeat is then a harmless no-op insert).
        var seen: Set<UUID> = []
    }

    public init(fleet: FleetStore, resolutions: ResolutionStore, logger: Logger = Logger(label: "ringfence.evidence")) {
        self.fleet = fleet
        self.resolutions = resolutions
        self.logger = logger
    }

    /// The id under which the resolution served to `hostID` is stored.
    public static func traceID(hostID: UUID, fingerprint: String, etag: String, revision: Int64) -> UUID {
        var bytes = Array(
            SHA256.hash(data: Data("\(hostID.uuidString)|\(fingerprint)|\(etag)|\(revision)".utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80  // version 8: custom, name-based
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // RFC 9562 variant
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
    }

    /// Notes a fetch; the latest per host is written at the next flush.
    public func noteFetch(hostID: UUID, at: Date, etag: String) {
        pending.withLock { $0.fetches[hostID] = .init(hostID: hostID, at: at, etag: etag) }
    }

    /// Queues a resolution unless it was queued lately. `trace` is only called when it is new.
    public func noteResolution(
        id: UUID, hostID: UUID, resolution: Resolution, fingerprint: String, at: Date,
        trace: () -> String
    ) {
        let isNew = pending.withLock { state -> Bool in
            if state.seen.count > 200_000 { state.seen.removeAll(keepingCapacity: true) }
            return state.seen.insert(id).inserted
        }
        guard isNew else { return }
        let row = ResolutionStore.StoredResolution(
            id: id, at: at, hostID: hostID, user: resolution.context.user, contextHash: fingerprint,
            etag: resolution.etag,
            revision: resolution.revision, ring: Int16(resolution.ring.number), traceJSON: trace(),
            agentKind: resolution.context.agent, repo: resolution.context.repo ?? "")
        pending.withLock { $0.resolutions.append(row) }
    }

    /// Writes everything pending. On failure the batch is put back for the next flush
    /// (bounded: fetch stamps are per host; resolutions beyond 100,000 are dropped with a log line).
    public func flush() async throws {
        let (fetches, rows) = pending.withLock { state in
            defer {
                state.fetches = [:]
                state.resolutions = []
            }
            return (Array(state.fetches.values), state.resolutions)
        }
        do {
            try await fleet.recordPolicyFetches(fetches)
            for start in stride(from: 0, to: rows.count, by: 1_000) {
                try await resolutions.record(Array(rows[start..<min(rows.count, start + 1_000)]))
            }
        } catch {
            pending.withLock { state in
                for fetch in fetches where (state.fetches[fetch.hostID]?.at ?? .distantPast) < fetch.at {
                    state.fetches[fetch.hostID] = fetch
                }
                if state.resolutions.count + rows.count <= 100_000 {
                    state.resolutions.insert(contentsOf: rows, at: 0)
                } else {
                    logger.warning(
                        "dropping served-resolution records after repeated write failures",
                        metadata: ["count": "\(rows.count)"])
                    for row in rows { state.seen.remove(row.id) }
                }
            }
            throw error
        }
    }
}
