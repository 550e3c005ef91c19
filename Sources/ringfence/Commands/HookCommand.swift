import ArgumentParser
import Foundation
import RingfenceCore
import RingfenceWorkstation

/// `ringfence hook`: what an agent's hook runs before a shell command, a file read or an
/// MCP call. Reads the agent's hook JSON on stdin, decides from the cached policy, prints
/// the answer in the agent's protocol and queues the audit event. The `ringfence-hook`
/// executable does the same in a few milliseconds. See docs/agents.md.
struct HookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "Decide an agent's action from the cached policy (agent hook JSON on stdin, its answer on stdout).",
        discussion: """
            Exit status 0 with the answer on stdout. When the input cannot be read, a message on
            stderr and exit status 2 (the agent refuses the action) if any surface fails closed,
            else 1 (the agent goes ahead). ringfence-hook takes the same flags and starts faster.
            """)

    @Option(help: "Agent whose hook protocol to speak: claude-code, cursor, copilot, codex, gemini-cli or windsurf.")
    var agent: String
    @Option(help: "Workstation cache directory (policy.rfp, queue/).")
    var cache: String = "/var/lib/ringfence"
    @Option(
        name: .customLong("fail-closed"),
        help: "Surfaces that refuse actions when no cached policy can be read (comma-separated).")
    var failClosed: [String] = []

    func arguments() throws -> HookProcess.Arguments {
        do {
            return HookProcess.Arguments(
                agent: try HookProcess.Arguments.agent(agent), cache: cache, failClosed: try Self.surfaces(failClosed))
        } catch let error as WorkstationError {
            throw ValidationError(error.description)
        }
    }

    /// The surfaces of `--fail-closed` values, as `ringfence hook` and `ringfence render` read them.
    static func surfaces(_ values: [String]) throws -> Set<Surface> {
        do {
            return try HookProcess.Arguments.surfaces(values)
        } catch {
            throw ValidationError(error.description)
        }
    }

    func validate() throws {
        _ = try arguments()
    }

    func run() throws {
        let status = HookProcess.runWithStandardStreams(try arguments())
        if status != 0 { throw ExitCode(status) }
    }
}
