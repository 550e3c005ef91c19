import ArgumentParser
import Foundation
import RingfenceAdapters
import RingfenceCore

/// `ringfence hook`: what an agent's hook runs before a shell command, a file read or an
/// MCP call. Reads the agent's hook JSON on stdin, decides from the cached policy, prints
/// the answer in the agent's protocol and queues the audit event. See docs/agents.md.
struct HookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "Decide an agent's action from the cached policy (agent hook JSON on stdin, its answer on stdout).",
        discussion: """
            Exit status 0 with the answer on stdout. When the input cannot be read, a message on
            stderr and exit status 2 (the agent refuses the action) if any surface fails closed,
            else 1 (the agent goes ahead).
            """)

    @Option(help: "Agent whose hook protocol to speak: claude-code or cursor.")
    var agent: String
    @Option(help: "Workstation cache directory (policy.json, queue/).")
    var cache: String = "/var/lib/ringfence"
    @Option(name: .customLong("fail-closed"), help: "Surfaces that refuse actions when no cached policy can be read (comma-separated).")
    var failClosed: [String] = []

    func validate() throws {
        guard let kind = AgentKind(name: agent), kind != .copilot else {
            throw ValidationError("--agent must be claude-code or cursor, got '\(agent)'")
        }
        _ = try failClosedSurfaces()
    }

    func failClosedSurfaces() throws -> Set<Surface> {
        Set(try ContextOptions.split(failClosed).map { name in
            guard let surface = Surface(rawValue: name) else { throw ValidationError("--fail-closed: '\(name)' is not a surface name") }
            return surface
        })
    }

    /// Largest hook input read, in bytes.
    static let maxInputBytes = 1 << 20

    func run() throws {
        let failClosed = try failClosedSurfaces()
        let kind = AgentKind(name: agent)!
        let input = FileHandle.standardInput.readData(ofLength: Self.maxInputBytes + 1)
        let invocation: HookInvocation
        do {
            guard input.count <= Self.maxInputBytes else {
                throw HookInvocation.InputError(description: "hook input is larger than \(Self.maxInputBytes) bytes")
            }
            invocation = try HookInvocation(agent: kind, json: input)
        } catch {
            FileHandle.standardError.write(Data("ringfence hook: \(error)\n".utf8))
            throw ExitCode(failClosed.isEmpty ? 1 : 2)
        }
        let cache = WorkstationCache(directory: cache)
        let environment = ProcessInfo.processInfo.environment
        let run = HookRun(invocation: invocation, policy: cache.cachedPolicy(), failClosed: failClosed,
                          home: environment["HOME"] ?? "", user: environment["USER"] ?? environment["LOGNAME"] ?? "",
                          eventID: UUID().uuidString.lowercased(), now: Date().timeIntervalSince1970)
        FileHandle.standardOutput.write(Data(run.answer.stdout.utf8))
        if let event = run.event {
            do {
                try cache.enqueue(event)
            } catch {
                // The answer stands; only the audit record is lost, and said so.
                FileHandle.standardError.write(Data("ringfence hook: \(error)\n".utf8))
            }
        }
        if run.answer.exitCode != 0 { throw ExitCode(run.answer.exitCode) }
    }
}
