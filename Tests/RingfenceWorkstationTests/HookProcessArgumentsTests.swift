import RingfenceAdapters
import RingfenceCore
import RingfenceWorkstation
import Testing

@Suite("HookProcess.Arguments: the hook's command line")
struct HookProcessArgumentsTests {
    @Test("--agent, --cache and repeated --fail-closed, as separate words or with =")
    func valid() throws {
        let parsed = try HookProcess.Arguments(parsing: [
            "--agent", "cursor", "--cache=/tmp/rf", "--fail-closed", "risky_shell,mcp_tool",
            "--fail-closed=sensitive_path_read",
        ])
        #expect(parsed.agent == .cursor)
        #expect(parsed.cache == "/tmp/rf")
        #expect(parsed.failClosed == [.riskyShell, .mcpTool, .sensitivePathRead])
        let defaults = try HookProcess.Arguments(parsing: ["--agent=claude-code"])
        #expect(defaults.cache == "/var/lib/ringfence")
        #expect(defaults.failClosed.isEmpty)
    }

    @Test(
        "mistakes are refused with a message naming the option",
        arguments: [
            ([], "--agent is needed (claude-code, cursor, copilot, codex, gemini-cli, windsurf)"),
            (
                ["--agent", "vim"],
                "--agent must be one of claude-code, cursor, copilot, codex, gemini-cli, windsurf, got 'vim'"
            ),
            (
                ["--agent", "cursor", "--cahce", "/x"],
                "unknown option '--cahce' (expected --agent, --cache, --fail-closed)"
            ),
            (
                ["--agent", "cursor", "--fail-closed", "Risky Shell"],
                "--fail-closed: 'Risky Shell' is not a surface name"
            ),
            (["--agent"], "--agent needs a value"),
            (["--agent", "--cache", "/x"], "--agent needs a value"),
        ])
    func refused(arguments: [String], message: String) {
        #expect(throws: WorkstationError(message)) { try HookProcess.Arguments(parsing: arguments) }
    }
}
