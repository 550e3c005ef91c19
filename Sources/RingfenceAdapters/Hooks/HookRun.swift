import RingfenceCore

/// One run of `ringfence hook`, without its I/O: the agent's input and the cached policy
/// (or why there is none) in, the answer and the audit event to queue out.
public struct HookRun: Sendable {
    /// The answer to print.
    public var answer: HookAnswer
    /// The event to queue; nil when the action is not one Ringfence has a surface for.
    public var event: QueuedEvent?

    /// The cached policy, or why it cannot be used.
    public enum CachedPolicy: Sendable {
        case available(AgentPolicy)
        case unavailable(String)
    }

    /// Decides one invocation.
    ///
    /// Input the hook does not understand (an `unrecognized` action) is decided by the
    /// hook's fail mode — refused when any surface fails closed, else let through — or by
    /// the policy's `unrecognized` rules where they are stricter (a block, or a warn when
    /// the hook fails open); never looser. Either way it is recorded.
    ///
    /// - Parameters:
    ///   - failClosed: surfaces that refuse actions when there is no usable policy.
    ///   - user: the user recorded when there is no policy to say who it was resolved for.
    ///   - repo: the slug of the repository the agent works in, recorded in the event;
    ///     unless `policy` was resolved for it as managed, its `unmanaged_repo` rules apply.
    public init(
        invocation: HookInvocation, policy: CachedPolicy, failClosed: Set<Surface>, home: String, user: String,
        eventID: String, now: Double, repo: String = ""
    ) {
        guard var action = invocation.action else {
            answer = HookAnswer(HookDecision(verdict: .pass, match: nil, surface: .riskyShell), for: invocation)
            event = nil
            return
        }
        let decision: HookDecision
        let etag: String
        var revision: Int64?
        let eventUser: String
        switch policy {
        case .available(let policy):
            // An MCP server the agent knows only by command or URL gets its catalogue name.
            if case .mcpTool("", let tool) = action, let identity = invocation.mcpServerIdentity,
                let name = policy.mcpServers.name(command: identity.command, url: identity.url)
            {
                action = .mcpTool(server: name, tool: tool)
            }
            // Work in a repository policy does not manage — or one this host holds no
            // policy for yet, which counts as unmanaged until it is fetched. Input not
            // understood is judged on its own: it is always recorded as `unrecognized`.
            let managed = policy.repository.map { $0.slug == repo && $0.managed } ?? false
            let unmanagedRepository = repo.isEmpty || managed || action.isUnrecognized ? nil : repo
            let decided = ActionEvaluator(policy: policy, home: home).decide(
                action, unmanagedRepository: unmanagedRepository, workingDirectory: invocation.directory)
            // The fail mode is a floor: `unrecognized` rules can be stricter, never looser.
            if case .unrecognized(let name) = action, decided.verdict != .block,
                decided.match == nil || !failClosed.isEmpty
            {
                decision = Self.failMode(name, failClosed: failClosed)
            } else {
                decision = decided
            }
            etag = policy.etag
            revision = policy.revision
            eventUser = policy.user
        case .unavailable(let reason):
            if case .unrecognized(let name) = action {
                decision = Self.failMode(name, failClosed: failClosed)
                etag = ""
                eventUser = user
                break
            }
            // A command that reads or writes no file is not a sensitive-path action.
            var surfaces = action.surfaces
            if case .shell(let command) = action {
                let paths = ShellCommandPaths(command: command, workingDirectory: invocation.directory, home: home)
                surfaces.removeAll {
                    ($0 == .sensitivePathRead && paths.reads.isEmpty)
                        || ($0 == .sensitivePathWrite && paths.writes.isEmpty)
                }
            }
            let closed = surfaces.first { failClosed.contains($0) }
            decision = HookDecision(
                verdict: closed == nil ? .pass : .block, match: nil, surface: closed ?? surfaces[0],
                policyUnavailable: reason)
            etag = ""
            eventUser = user
        }
        answer = HookAnswer(decision, for: invocation)
        event = QueuedEvent(
            eventID: eventID, occurredAt: now, user: eventUser, invocation: invocation, action: action,
            decision: decision, verdict: answer.verdict, policyETag: etag, policyRevision: revision,
            repo: repo)
    }

    /// The decision for input not understood that no `unrecognized` rule matched: the
    /// hook's fail mode.
    static func failMode(_ name: String, failClosed: Set<Surface>) -> HookDecision {
        HookDecision(
            verdict: failClosed.isEmpty ? .pass : .block, match: nil, surface: .unrecognized,
            policyUnavailable: "the hook does not understand this input (\(name.prefix(128)))")
    }
}
