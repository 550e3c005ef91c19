import Foundation
import PropertyBased
import RingfenceCore
import RingfenceProto
import SwiftProtobuf
import Testing

/// Random and mutated bytes decoded as every request agents send, then put through the
/// server's wire validation (`RingfenceProto/Validation`): it refuses with a `WireError`
/// or a rejection reason, or gives values that keep every limit — it never crashes, and
/// nothing over a limit or holding a NUL gets through. `scripts/fuzz` runs this with many
/// more cases (RINGFENCE_FUZZ_ITERATIONS).
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

    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// The message the bytes decode to, nil when they are not one (decoding is
    /// SwiftProtobuf's; what Ringfence does with a decoded message is under test).
    static func decoded<M: SwiftProtobuf.Message>(_ type: M.Type, _ bytes: [UInt8]) -> M? {
        do {
            return try M(serializedBytes: bytes)
        } catch is BinaryDecodingError {
            return nil
        } catch {
            Issue.record("unexpected decoding error \(error)")
            return nil
        }
    }

    /// Whether a text keeps a limit and holds no NUL.
    static func keeps(_ text: String, _ limit: Int) -> Bool {
        text.utf8.count <= limit && !text.utf8.contains(0)
    }

    static func validateAll(_ bytes: [UInt8]) {
        if let enroll = decoded(Ringfence_V1_EnrollRequest.self, bytes) {
            do {
                let host = try enroll.validatedHost()
                #expect(!host.machineID.isEmpty && keeps(host.machineID, WireLimits.machineID))
                #expect(!host.hostname.isEmpty && keeps(host.hostname, WireLimits.hostname))
                #expect(keeps(host.os, WireLimits.os) && keeps(host.arch, WireLimits.arch))
            } catch {
                #expect(!error.field.isEmpty && !error.problem.isEmpty)
            }
        }
        if let heartbeat = decoded(Ringfence_V1_HeartbeatRequest.self, bytes) {
            do {
                let inventory = try heartbeat.inventory.validated(now: now)
                #expect(keeps(inventory.hostname, WireLimits.hostname) && !inventory.hostname.isEmpty)
                #expect(
                    inventory.users.count <= WireLimits.users
                        && inventory.users.allSatisfy { keeps($0, WireLimits.userName) })
                #expect(inventory.agents.count <= WireLimits.agents)
                #expect(
                    inventory.agents.allSatisfy {
                        !$0.kind.isEmpty && keeps($0.kind, WireLimits.agentKind) && $0.kind == $0.kind.lowercased()
                    })
                #expect(
                    inventory.mcpServers.allSatisfy {
                        keeps($0.endpoint, WireLimits.mcpEndpoint) && keeps($0.name, WireLimits.mcpServerName)
                    })
                #expect(
                    inventory.repos.allSatisfy {
                        keeps($0.slug, WireLimits.repoSlug) && keeps($0.remoteURL, WireLimits.remoteURL)
                    })
            } catch {
                #expect(error.field.hasPrefix("inventory"), "\(error)")
            }
        }
        if let fetch = decoded(Ringfence_V1_FetchPolicyRequest.self, bytes) {
            do {
                let context = try fetch.context.validatedRequest()
                #expect(!context.user.isEmpty && keeps(context.user, WireLimits.userName))
                #expect(keeps(context.repo, WireLimits.repoSlug) && context.surfaces.count <= WireLimits.surfaces)
            } catch {
                #expect(error.field.hasPrefix("context"), "\(error)")
            }
        }
        if let events = decoded(Ringfence_V1_ReportEventsRequest.self, bytes) {
            let validator = AuditEventValidator()
            for event in events.events {
                switch validator.validate(event, hostID: UUID(), now: now) {
                case .success(let record):
                    #expect(!record.eventID.isEmpty && keeps(record.eventID, WireLimits.eventID))
                    #expect(keeps(record.summary, WireLimits.eventSummary) && keeps(record.user, WireLimits.eventName))
                    #expect(record.verdict == .pass || !record.ruleID.isEmpty)
                case .failure(let rejection):
                    #expect(!rejection.reason.isEmpty)
                }
            }
        }
        if let rotate = decoded(Ringfence_V1_RotateKeyRequest.self, bytes) {
            do {
                let id = try WireHostID.parse(rotate.hostID)
                #expect(UUID(uuidString: rotate.hostID) == id)
            } catch {
                #expect(error.field == "host_id")
            }
        }
    }

    @Test("random bytes")
    func random() async {
        await propertyCheck(count: Self.iterations, input: Gen.int(in: 0...255).array(of: 0...512)) { bytes in
            Self.validateAll(bytes.map(UInt8.init))
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
            Self.validateAll(bytes)
        }
    }
}
