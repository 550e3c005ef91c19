import CoreMetrics
import Foundation
import GRPCCore
import Logging
import RingfenceCore
import RingfenceProto
import RingfenceStore

extension AgentService {
    /// ReportEvents: a stream of event batches from the caller's host, validated and
    /// written in batches of `server.eventBatchSize`; answered once, after everything
    /// was committed, with what was stored, what was a duplicate and what was refused.
    public func reportEvents(request: StreamingServerRequest<Ringfence_V1_ReportEventsRequest>, context: ServerContext)
        async throws
        -> ServerResponse<Ringfence_V1_ReportEventsResponse>
    {
        let caller = try AgentCaller.authenticated()
        let host = try await facts.host(caller.hostID, now: Date())
        var intake = EventStreamIntake(
            validator: validator, hostID: caller.hostID, host: host, batchSize: configuration.eventBatchSize)
        for try await message in request.messages {
            try caller.requireHost(message.hostID)
            if let batch = intake.receive(message.events, now: Date()) { try await write(batch, into: &intake) }
        }
        if let batch = intake.finish() { try await write(batch, into: &intake) }
        let metrics = dependencies.metrics
        metrics.eventsDuplicate.increment(by: intake.duplicatesInStream)
        metrics.eventsRejected.increment(by: intake.rejectedCount)
        if intake.rejectedCount > 0 {
            logger.info(
                "events rejected",
                metadata: [
                    "host": "\(caller.hostID)", "count": "\(intake.rejectedCount)",
                    "first": "\(intake.response.rejected.first?.reason ?? "")",
                ])
        }
        return ServerResponse(message: intake.response)
    }

    /// Writes one batch; a failure tells the client how much of its stream is stored.
    private func write(_ batch: [AuditEventRecord], into intake: inout EventStreamIntake) async throws {
        let outcome: EventStore.Outcome
        do {
            outcome = try await dependencies.events.store(batch)
        } catch {
            logger.error("could not store events", metadata: ["error": "\(String(reflecting: error))"])
            throw RPCError(
                code: .unavailable,
                message: "could not store events now (\(intake.response.stored) of this stream were stored; "
                    + "resend the rest — ids make resending safe); retry")
        }
        intake.stored(outcome.stored, duplicates: outcome.duplicates)
        dependencies.metrics.eventsStored.increment(by: outcome.stored)
        dependencies.metrics.eventsDuplicate.increment(by: outcome.duplicates)
        for (agent, count) in outcome.unrecognizedByAgent {
            dependencies.metrics.recordUnrecognized(agent: agent, count: count)
        }
    }
}
