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
    /// - Parameters:
    ///   - failClosed: surfaces that refuse actions when there is no usable policy.
    ///   - user: the user recorded when there is no policy to say who it was resolved for.
    ///   - repo: the slug of the repository the agent works in, recorded in the event;
    ///     unless `policy` was resolved for it as managed, its `unmanaged_repo` rules apply.
    public init(
        invocation: HookInvocation, policy: CachedPolicy, failClosed: Set<Surface>, home: String, user: String,
        eventID: String, now: Double, repo: String = ""
    ) {
        guard let action = invocation.action else {
            answer = HookAnswer(HookDecision(verdict: .pass, match: nil, surface: .riskyShell), for: invocation)
            event = nil
            return
        }
        let decision: HookDecision
        let etag: String
        let eventUser: String
        switch policy {
        case .available(let policy):
            // Work in a repository policy does not manage — or one this host holds no
            // policy for yet, which counts as unmanaged until it is fetched.
            let managed = policy.repository.map { $0.slug == repo && $0.managed } ?? false
            decision = ActionEvaluator(policy: policy, home: home).decide(
                action, unmanagedRepository: repo.isEmpty || managed ? nil : repo)
            etag = policy.etag
            eventUser = policy.user
        case .unavailable(let reason):
            let closed = action.surfaces.first { failClosed.contains($0) }
            decision = HookDecision(
                verdict: closed == nil ? .pass : .block, match: nil, surface: closed ?? action.surfaces[0],
                policyUnavailable: reason)
            etag = ""
            eventUser = user
        }
        answer = HookAnswer(decision, for: invocation)
        event = QueuedEvent(
            eventID: eventID, occurredAt: now, user: eventUser, invocation: invocation, action: action,
            decision: decision, verdict: answer.verdict, policyETag: etag, repo: repo)
    }
}
