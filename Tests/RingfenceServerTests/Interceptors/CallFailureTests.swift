import GRPCCore
import RingfenceProto
import Testing

@testable import RingfenceServer

@Suite("CallFailure: what a failed call was, for the client and the metrics")
struct CallFailureTests {
    struct StoreDown: Error {}

    @Test("the handler's own status passes through; a WireError becomes INVALID_ARGUMENT")
    func answered() {
        let denied = RPCError(code: .permissionDenied, message: "not yours")
        #expect(CallFailure.classify(denied, cancelled: false, deadlinePassed: false) == .answered(denied))
        let wire = CallFailure.classify(
            WireError(field: "host_id", problem: "is empty"), cancelled: false, deadlinePassed: false)
        #expect(wire.rpcError(method: "Heartbeat", maxMessageBytes: 1).code == .invalidArgument)
        #expect(wire.rpcError(method: "Heartbeat", maxMessageBytes: 1).message == "host_id is empty")
    }

    @Test("a store failure is UNAVAILABLE without its details")
    func unavailable() {
        let failure = CallFailure.classify(StoreDown(), cancelled: false, deadlinePassed: false)
        #expect(failure == .unavailable)
        let status = failure.rpcError(method: "Heartbeat", maxMessageBytes: 1)
        #expect(status.code == .unavailable)
        #expect(!status.message.contains("StoreDown"))
    }

    @Test("a message the transport could not deframe is RESOURCE_EXHAUSTED naming the limit, not INTERNAL")
    func tooLarge() {
        let transport = InboundStreamFailure(
            underlying: RPCError(code: .internalError, message: "Failed to decode message"))
        // The transport also cancels the call when it closes the stream; the size wins.
        let failure = CallFailure.classify(transport, cancelled: true, deadlinePassed: false)
        #expect(failure == .requestTooLarge)
        let status = failure.rpcError(method: "ReportEvents", maxMessageBytes: 1_048_576)
        #expect(status.code == .resourceExhausted)
        #expect(status.message.contains("1048576 bytes"))
    }

    @Test("a message that arrived but does not decode keeps the deserializer's INVALID_ARGUMENT")
    func undecodable() {
        let decoding = RPCError(code: .invalidArgument, message: "Failed to deserialize")
        let failure = CallFailure.classify(
            InboundStreamFailure(underlying: decoding), cancelled: false, deadlinePassed: false)
        #expect(failure == .answered(decoding))
    }

    @Test("a client that left is CANCELLED, or DEADLINE_EXCEEDED once its deadline passed — never UNAVAILABLE")
    func clientLeft() {
        let reset = InboundStreamFailure(underlying: RPCError(code: .unavailable, message: "stream reset"))
        #expect(CallFailure.classify(reset, cancelled: true, deadlinePassed: false) == .cancelled)
        #expect(CallFailure.classify(reset, cancelled: true, deadlinePassed: true) == .deadlineExceeded)
        // The handler's store call failed because the call was cancelled under it.
        let storeWhileCancelled = RPCError(code: .unavailable, message: "could not store events now")
        #expect(CallFailure.classify(storeWhileCancelled, cancelled: true, deadlinePassed: true) == .deadlineExceeded)
        #expect(CallFailure.classify(CancellationError(), cancelled: false, deadlinePassed: false) == .cancelled)
        // The handler answered, but the transport had cancelled the call: the answer is unheard.
        #expect(CallFailure.unheard(cancelled: false, deadlinePassed: true) == nil)
        #expect(CallFailure.unheard(cancelled: true, deadlinePassed: false) == .cancelled)
        #expect(CallFailure.unheard(cancelled: true, deadlinePassed: true) == .deadlineExceeded)
        #expect(CallFailure.cancelled.rpcError(method: "X", maxMessageBytes: 1).code == .cancelled)
        #expect(CallFailure.deadlineExceeded.rpcError(method: "X", maxMessageBytes: 1).code == .deadlineExceeded)
    }

    @Test("grpc-timeout values parse by their unit; malformed ones are ignored")
    func deadlines() {
        #expect(CallDeadline.parse("100m") == .milliseconds(100))
        #expect(CallDeadline.parse("2S") == .seconds(2))
        #expect(CallDeadline.parse("3M") == .seconds(180))
        #expect(CallDeadline.parse("1H") == .seconds(3_600))
        #expect(CallDeadline.parse("5u") == .microseconds(5))
        #expect(CallDeadline.parse("7n") == .nanoseconds(7))
        #expect(CallDeadline.parse("") == nil)
        #expect(CallDeadline.parse("m") == nil)
        #expect(CallDeadline.parse("10x") == nil)
        #expect(CallDeadline.parse("123456789S") == nil)  // more than 8 digits
        #expect(CallDeadline.parse("-1S") == nil)
    }

    @Test("metric method labels: the agent service's methods by name, others as Service.Method")
    func methodLabels() {
        #expect(ServerMetrics.methodLabel(Ringfence_V1_AgentService.Method.Heartbeat.descriptor) == "Heartbeat")
        #expect(ServerMetrics.methodLabel(Grpc_Health_V1_Health.Method.Check.descriptor) == "Health.Check")
    }
}
