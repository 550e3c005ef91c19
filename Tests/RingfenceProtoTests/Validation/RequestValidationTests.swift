import Foundation
import GRPCCore
import RingfenceCore
import RingfenceProto
import Testing

@Suite("Request validation: enrolment, policy context, host ids")
struct RequestValidationTests {
    @Test("host_id: empty and malformed are invalid input with a reason; a UUID in any case is parsed")
    func hostID() throws {
        #expect(
            throws: WireError(
                field: "host_id", problem: "is empty; it must be the id of the host the API key belongs to")
        ) {
            try WireHostID.parse("")
        }
        #expect(throws: WireError(field: "host_id", problem: "'nope' is not a UUID")) { try WireHostID.parse("nope") }
        let id = UUID()
        #expect(try WireHostID.parse(id.uuidString.lowercased()) == id)
    }

    @Test("a WireError reaches the client as INVALID_ARGUMENT with field and problem")
    func status() {
        let error = RPCError(WireError(field: "context.user", problem: "is empty"))
        #expect(error.code == .invalidArgument)
        #expect(error.message == "context.user is empty")
    }

    @Test("enrolment: machine id and hostname required, every field limited")
    func enrol() throws {
        var request = Ringfence_V1_EnrollRequest()
        request.host.machineID = "m-1"
        request.host.hostname = "dev-1"
        request.host.os = "linux"
        request.installerVersion = "1.2.3"
        #expect(
            try request.validatedHost()
                == HostIdentity(machineID: "m-1", hostname: "dev-1", os: "linux", installerVersion: "1.2.3"))
        var broken = request
        broken.host.machineID = ""
        #expect(throws: WireError(field: "host.machine_id", problem: "is empty")) { try broken.validatedHost() }
        broken = request
        broken.host.arch = String(repeating: "x", count: WireLimits.arch + 1)
        #expect(throws: WireError(field: "host.arch", problem: "is longer than \(WireLimits.arch) bytes")) {
            try broken.validatedHost()
        }
        broken = request
        broken.installerVersion = "1\u{0}"
        #expect(throws: WireError(field: "installer_version", problem: "contains a NUL character")) {
            try broken.validatedHost()
        }
    }

    @Test("policy context: user required, surfaces by name, an unknown trust named by its number")
    func context() throws {
        var wire = Ringfence_V1_DecisionContext()
        wire.user = "alice"
        wire.repo = "payments/api"
        wire.agentKind = "claude-code"
        wire.surfaces = ["risky_shell"]
        wire.groups = ["admins"]  // ignored: the server reads groups from the directory
        #expect(
            try wire.validatedRequest()
                == RequestedContext(
                    user: "alice", repo: "payments/api", agentKind: "claude-code",
                    surfaces: [.riskyShell]))
        var broken = wire
        broken.user = ""
        #expect(throws: WireError(field: "context.user", problem: "is empty")) { try broken.validatedRequest() }
        broken = wire
        broken.surfaces = ["Risky Shell"]
        #expect(throws: WireError(field: "context.surfaces", problem: "'Risky Shell' is not a surface name")) {
            try broken.validatedRequest()
        }
        broken = wire
        broken.repoTrust = .UNRECOGNIZED(9)
        #expect(throws: WireError(field: "context.repo_trust", problem: "has the unknown value 9")) {
            try broken.validatedRequest()
        }
        broken = wire
        broken.repoTrust = .production
        // A trust the agent states is accepted on the wire and never used.
        #expect(try broken.validatedRequest() == wire.validatedRequest())
        broken = wire
        broken.surfaces = Array(repeating: "risky_shell", count: WireLimits.surfaces + 1)
        #expect(throws: WireError.self) { try broken.validatedRequest() }
    }

    @Test("exception requests: user, rule as PACK/RULE-ID, repository and justification required and limited")
    func exceptionRequests() throws {
        var wire = Ringfence_V1_RequestExceptionRequest()
        wire.user = "bob"
        wire.rule = "shell-baseline/RS-12"
        wire.repo = "acme/infra"
        wire.justification = "rotating the namespace"
        wire.durationSeconds = 7_200
        let ask = try wire.validated()
        #expect(ask.pack == "shell-baseline" && ask.rule == "RS-12" && ask.duration == 7_200)
        for (field, change) in [
            ("user", { (w: inout Ringfence_V1_RequestExceptionRequest) in w.user = "" }),
            ("rule", { $0.rule = "RS-12" }),
            ("rule", { $0.rule = "/RS-12" }),
            ("repo", { $0.repo = String(repeating: "a", count: WireLimits.repoSlug + 1) }),
            ("justification", { $0.justification = "" }),
            ("duration_seconds", { $0.durationSeconds = 0 }),
        ] {
            var broken = wire
            change(&broken)
            #expect(throws: WireError.self, "\(field)") { try broken.validated() }
            do {
                _ = try broken.validated()
            } catch {
                #expect(error.field == field)
            }
        }
    }
}
