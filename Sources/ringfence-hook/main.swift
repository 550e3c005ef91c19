// ringfence-hook: the agent hook as a small executable of its own, for the time budget
// of a hook that runs before every shell command (docs/agents.md, docs/performance.md).
// Same flags and behaviour as `ringfence hook`:
//
//   ringfence-hook --agent AGENT [--cache DIR] [--fail-closed SURFACE,...]
//   (AGENT: claude-code, cursor, copilot, codex, gemini-cli, windsurf)
//
// Build it as a fully static executable (no dynamic loading: starts in under 2 ms):
//   swift build -c release --scratch-path .build-static --product ringfence-hook -Xswiftc -static-executable
import Foundation
import RingfenceWorkstation

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.first == "--help" || arguments.first == "-h" {
    print(
        "usage: ringfence-hook --agent \(HookProcess.Arguments.agentNames) [--cache DIR] [--fail-closed SURFACE,...]  (agent hook JSON on stdin)"
    )
    exit(0)
}
let parsed: HookProcess.Arguments
do {
    parsed = try HookProcess.Arguments(parsing: arguments)
} catch {
    FileHandle.standardError.write(Data("ringfence-hook: \(error)\n".utf8))
    exit(64)
}
exit(HookProcess.runWithStandardStreams(parsed))
