import Foundation
import RingfenceCore
import Testing

@testable import RingfenceAdapters

/// When any surface fails closed, a hook that is missing or crashes must block where the
/// agent allows it — checked on the rendered files: Claude Code's `onFailure: "block"`,
/// Cursor's `failClosed: true`, and for Codex, Gemini CLI and Windsurf (exit status 2 is
/// their only block) the rendered command run by a real `sh` with a missing and a crashing
/// hook.
@Suite("Adapters: a hook that cannot run")
struct HookFailureTests {
    static let closed = AdapterOptions(
        hookExecutable: "/nonexistent/ringfence-hook", cacheDirectory: "/var/lib/ringfence",
        failClosed: [.credentialExfiltration])

    /// The exit status of a rendered command run as the agents run it: `sh -c`.
    static func status(of command: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test(
        "Claude Code and Cursor: the agent's own fail-closed setting is in the file",
        arguments: [AgentKind.claudeCode, .cursor])
    func nativeSetting(agent: AgentKind) {
        let rendered = NativeAdapters.render(agent, policy: SamplePolicy.policy, options: Self.closed)
        let content = rendered.files.map(\.content).joined()
        #expect(rendered.hookFailsClosed)
        #expect(content.contains(agent == .claudeCode ? #""onFailure": "block""# : #""failClosed": true"#))
    }

    @Test(
        "Codex, Gemini CLI, Windsurf: a missing or crashing hook exits 2",
        arguments: [AgentKind.codex, .geminiCLI, .windsurf])
    func wrapped(agent: AgentKind) throws {
        let rendered = NativeAdapters.render(agent, policy: SamplePolicy.policy, options: Self.closed)
        #expect(rendered.hookFailsClosed)
        let command = Self.closed.blockingHookCommand(for: agent)
        #expect(
            rendered.files.contains { $0.content.contains(JSONText.string(command).compact.dropFirst().dropLast()) })
        #expect(try Self.status(of: command) == 2, "missing binary")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rf-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let crashing = directory.appendingPathComponent("ringfence-hook").path
        try Data("#!/bin/sh\nkill -SEGV $$\n".utf8).write(to: URL(fileURLWithPath: crashing))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: crashing)
        var options = Self.closed
        options.hookExecutable = crashing
        #expect(try Self.status(of: options.blockingHookCommand(for: agent)) == 2, "crashing hook")

        // Fail open: the same crash lets the action through (not 2), as the agent documents.
        options.failClosed = []
        #expect(try Self.status(of: options.blockingHookCommand(for: agent)) != 2)
    }

    @Test("Copilot: no documented way to block when the hook fails; said so")
    func copilot() {
        #expect(!NativeAdapters.render(.copilot, policy: SamplePolicy.policy, options: Self.closed).hookFailsClosed)
    }
}
