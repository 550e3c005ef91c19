import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import RingfenceAgent
import RingfenceProto
import RingfenceTestSupport
import RingfenceWorkstation
import Testing

@Suite("Workstation client calls")
struct WorkstationClientTests {
    @Test(
        "with no server listening a call waits for the connection until its deadline (DEADLINE_EXCEEDED) instead of failing at once (UNAVAILABLE)"
    )
    func waitsForReady() async throws {
        let port = try freeLoopbackPort()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rf-client-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let transport = try HTTP2ClientTransport.Posix(
            target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)
        let code = try await withGRPCClient(transport: transport) { grpc -> RPCError.Code? in
            let client = WorkstationClient(
                agent: Ringfence_V1_AgentService.Client(wrapping: grpc),
                cache: WorkstationCache(directory: folder.path), callTimeout: .seconds(2))
            do {
                _ = try await client.enrol(token: "t", host: Ringfence_V1_HostIdentity(), installerVersion: "1")
                return nil
            } catch let error as RPCError {
                return error.code
            }
        }
        #expect(code == .deadlineExceeded)
    }
}
