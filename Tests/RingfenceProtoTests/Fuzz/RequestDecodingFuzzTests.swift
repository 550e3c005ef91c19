import Foundation
import PropertyBased
import RingfenceProto
import SwiftProtobuf
import Testing

/// Random and mutated bytes decoded as every request agents send: decoding either fails
/// with an error or gives a message that encodes again — it never crashes or hangs.
/// `scripts/fuzz` runs this with many more cases (RINGFENCE_FUZZ_ITERATIONS).
@Suite("Fuzz: request decoding")
struct RequestDecodingFuzzTests {
    static let iterations = Int(ProcessInfo.processInfo.environment["RINGFENCE_FUZZ_ITERATIONS"] ?? "") ?? 2_000

    /// Valid encodings to mutate: one of each request with every kind of field set.
    static let seeds: [[UInt8]] = {
        var enroll = Ringfence_V1_EnrollRequest()
        enroll.enrollmentToken = "rfe_" + String(repeating: "A", count: 43)
        enroll.host.machineID = "m-1"
        enroll.host.hostname = "h.example.com"
        var heartbeat = Ringfence_V1_HeartbeatRequest()
        heartbeat.hostID = UUID().uuidString
        heartbeat.inventory.hostname = "h"
        heartbeat.inventory.users = ["alice", "bob"]
        var agent = Ringfence_V1_AgentInstall()
        agent.kind = "claude-code"
        agent.hookState = .installed
        var file = Ringfence_V1_ManagedFile()
        file.name = "managed-settings.json"
        file.sha256 = String(repeating: "a", count: 64)
        agent.managedFiles = [file]
        heartbeat.inventory.agents = [agent]
        var fetch = Ringfence_V1_FetchPolicyRequest()
        fetch.context.user = "alice"
        fetch.context.surfaces = ["risky_shell"]
        fetch.includeNativeConfig = true
        var events = Ringfence_V1_ReportEventsRequest()
        var event = Ringfence_V1_AuditEvent()
        event.eventID = "e-1"
        event.occurredAt = Google_Protobuf_Timestamp(date: Date())
        event.verdict = .block
        event.summary = "shell: rm"
        events.events = [event, event]
        var rotate = Ringfence_V1_RotateKeyRequest()
        rotate.hostID = UUID().uuidString
        return [
            try! enroll.serializedBytes(), try! heartbeat.serializedBytes(), try! fetch.serializedBytes(),
            try! events.serializedBytes(), try! rotate.serializedBytes(),
        ]
    }()

    static func decodeAll(_ bytes: [UInt8]) {
        func check<M: SwiftProtobuf.Message>(_ type: M.Type) {
            guard let message = try? M(serializedBytes: bytes) else { return }
            // A message that decoded encodes again, and that encoding decodes to the same message.
            let again: [UInt8] = try! message.serializedBytes()
            #expect(try! M(serializedBytes: again).isEqualTo(message: message))
        }
        check(Ringfence_V1_EnrollRequest.self)
        check(Ringfence_V1_HeartbeatRequest.self)
        check(Ringfence_V1_FetchPolicyRequest.self)
        check(Ringfence_V1_ReportEventsRequest.self)
        check(Ringfence_V1_RotateKeyRequest.self)
    }

    @Test("random bytes")
    func random() async {
        await propertyCheck(count: Self.iterations, input: Gen.int(in: 0...255).array(of: 0...512)) { bytes in
            Self.decodeAll(bytes.map(UInt8.init))
        }
    }

    @Test("valid requests with bytes flipped, cut, duplicated and length prefixes changed")
    func mutated() async {
        // A tape of random numbers says which request to start from and what to do to it.
        await propertyCheck(count: Self.iterations, input: Gen.int(in: 0...Int(Int32.max)).array(of: 16...16)) { tape in
            var position = 0
            func draw(_ bound: Int) -> Int {
                defer { position += 1 }
                return tape[position % tape.count] % max(bound, 1)
            }
            var bytes = Self.seeds[draw(Self.seeds.count)]
            for _ in 0..<(1 + draw(4)) {
                guard !bytes.isEmpty else { break }
                let at = draw(bytes.count)
                switch draw(5) {
                case 0: bytes[at] ^= UInt8(1 << draw(8))
                case 1: bytes = Array(bytes[..<at])
                case 2: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + 1 + draw(16))], at: at)
                case 3: bytes[at] = [0x00, 0x7F, 0x80, 0xFF][draw(4)]
                default: bytes.insert(contentsOf: [0xFF, 0xFF, 0xFF, 0xFF, 0x0F], at: at)  // a huge varint
                }
            }
            Self.decodeAll(bytes)
        }
    }
}
