import ArgumentParser
import Foundation
import GRPCCore
import RingfenceProto

/// `ringfence health`: asks a server's gRPC health service whether it serves; exits 0 when
/// it does, 1 when it does not, 2 when it cannot be reached. `--wait` polls until it does.
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Check a running server's health (grpc.health.v1); with --wait, until it serves.")

    @OptionGroup var connection: ServerEndpoint
    @Option(help: "Service to ask about; empty for the server as a whole.")
    var service: String = "ringfence.v1.AgentService"
    @Option(help: "Keep asking for up to this long: 30s, 2m.")
    var wait: TimeSpan?

    func run() async throws {
        let deadline = Date().addingTimeInterval(wait?.seconds ?? 0)
        var last = "unreachable"
        repeat {
            do {
                let service = self.service
                let status = try await connection.withClient { grpc in
                    var request = Grpc_Health_V1_HealthCheckRequest()
                    request.service = service
                    return try await Grpc_Health_V1_Health.Client(wrapping: grpc).check(request).status
                }
                if status == .serving {
                    print("\(connection.server): \(service.isEmpty ? "server" : service) SERVING")
                    return
                }
                last = "\(status)"
            } catch {
                last = "unreachable (\(error))"
            }
            if Date() < deadline { try await Task.sleep(for: .milliseconds(200)) }
        } while Date() < deadline
        print("\(connection.server): \(service.isEmpty ? "server" : service) \(last)")
        throw ExitCode(last.hasPrefix("unreachable") ? 2 : 1)
    }
}
