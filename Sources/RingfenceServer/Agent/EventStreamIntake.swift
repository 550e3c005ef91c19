import Foundation
import RingfenceCore
import RingfenceProto
import RingfenceStore

/// The bookkeeping of one ReportEvents stream, apart from its I/O: validates each event,
/// drops repeats within the stream, lists rejections (the first `WireLimits.rejectionsListed`,
/// all counted), and says when a batch is ready to be written. The handler writes the
/// batches it is given and reports each outcome back; the answer is built from here.
struct EventStreamIntake {
    let validator: AuditEventValidator
    let hostID: UUID
    /// Whom the host's agents may act for: events of anyone else are refused.
    let host: HostPolicyFacts
    let batchSize: Int
    private(set) var response = Ringfence_V1_ReportEventsResponse()
    private(set) var rejectedCount = 0
    /// Events dropped because the same id came earlier in this stream.
    private(set) var duplicatesInStream = 0
    private var pending: [AuditEventRecord] = []
    private var seen = Set<String>()

    init(validator: AuditEventValidator, hostID: UUID, host: HostPolicyFacts, batchSize: Int) {
        self.validator = validator
        self.hostID = hostID
        self.host = host
        self.batchSize = batchSize
    }

    /// Takes one request's events; returns a batch to write when enough are pending.
    mutating func receive(_ events: [Ringfence_V1_AuditEvent], now: Date) -> [AuditEventRecord]? {
        for event in events {
            response.received += 1
            var outcome = validator.validate(event, hostID: hostID, now: now)
            if case .success(let record) = outcome, !host.admits(user: record.user) {
                outcome = .failure(.init(reason: "user '\(record.user)' is not bound to this host"))
            }
            switch outcome {
            case .success(let record):
                if seen.insert(record.eventID).inserted {
                    pending.append(record)
                } else {
                    response.duplicates += 1
                    duplicatesInStream += 1
                }
            case .failure(let rejection):
                rejectedCount += 1
                if response.rejected.count < WireLimits.rejectionsListed {
                    var rejected = Ringfence_V1_RejectedEvent()
                    rejected.eventID = String(event.eventID.prefix(WireLimits.eventID))
                    rejected.reason = rejection.reason
                    response.rejected.append(rejected)
                }
            }
        }
        return pending.count >= batchSize ? takePending() : nil
    }

    /// What is still pending at the end of the stream (nil when nothing is).
    mutating func finish() -> [AuditEventRecord]? {
        pending.isEmpty ? nil : takePending()
    }

    /// Records what PostgreSQL did with a written batch.
    mutating func stored(_ stored: Int, duplicates: Int) {
        response.stored += Int64(stored)
        response.duplicates += Int64(duplicates)
    }

    private mutating func takePending() -> [AuditEventRecord] {
        defer { pending.removeAll(keepingCapacity: true) }
        return pending
    }
}
