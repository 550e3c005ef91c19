import RingfenceCore

/// How rendered files call the Ringfence hook on the workstation.
public struct AdapterOptions: Sendable, Hashable {
    /// Path of the hook on workstations: `ringfence-hook` (fast), or `ringfence` (then
    /// the command is `ringfence hook …`).
    public var hookExecutable: String
    /// Directory where the workstation keeps the cached policy and event queue.
    public var cacheDirectory: String
    /// Surfaces whose hook refuses actions when no cached policy can be read.
    public var failClosed: Set<Surface>
    /// Claude Code: allow managed hooks only (`allowManagedHooksOnly`), so users cannot
    /// add hooks that answer before Ringfence's.
    public var managedHooksOnly: Bool
    /// Seconds the agent waits for the hook.
    public var hookTimeoutSeconds: Int
    /// Turn off the agents' "allow everything" modes where they have a managed switch
    /// (Claude Code and Copilot `disableBypassPermissionsMode`, Gemini CLI
    /// `security.disableYoloMode`): in those modes `ask` answers are not asked.
    public var disableBypassModes: Bool

    public init(
        hookExecutable: String = "/usr/local/bin/ringfence-hook", cacheDirectory: String = "/var/lib/ringfence",
        failClosed: Set<Surface> = [], managedHooksOnly: Bool = false, hookTimeoutSeconds: Int = 5,
        disableBypassModes: Bool = true
    ) {
        self.hookExecutable = hookExecutable
        self.cacheDirectory = cacheDirectory
        self.failClosed = failClosed
        self.managedHooksOnly = managedHooksOnly
        self.hookTimeoutSeconds = hookTimeoutSeconds
        self.disableBypassModes = disableBypassModes
    }

    /// Whether the hook should stop the agent when it cannot run at all (missing, crashed,
    /// timed out): when any surface fails closed.
    public var hookFailsClosed: Bool { !failClosed.isEmpty }

    /// The hook command for agents whose only way to block is exit status 2 and that let
    /// an action through when the hook fails any other way (Codex, Gemini CLI, Windsurf):
    /// when the hook fails closed, `|| exit 2` turns a missing or crashing hook (exit 127,
    /// a signal) into a block. The shell runs it: each agent runs hook commands with `sh`.
    public func blockingHookCommand(for agent: AgentKind) -> String {
        hookFailsClosed ? hookCommand(for: agent) + " || exit 2" : hookCommand(for: agent)
    }

    /// The command line an agent runs for the hook.
    public func hookCommand(for agent: AgentKind) -> String {
        var words = [hookExecutable]
        if hookExecutable.split(separator: "/").last == "ringfence" { words.append("hook") }
        words += ["--agent", agent.rawValue, "--cache", cacheDirectory]
        if !failClosed.isEmpty {
            words += ["--fail-closed", failClosed.map(\.rawValue).sorted().joined(separator: ",")]
        }
        return words.map(Self.shellQuoted).joined(separator: " ")
    }

    /// A word for a POSIX shell: as is when it is plain, else in single quotes.
    static func shellQuoted(_ word: String) -> String {
        let plain =
            !word.isEmpty
            && word.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || "-_./,:=@".utf8.contains(byte)
            }
        return plain
            ? word
            : "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: #"'\''"#) + "'"
    }
}
