import RingfenceCore

/// What an agent's policy request names: the user, repository, agent and surfaces. The
/// facts the decision depends on besides these (groups, roles, ring, tags, the
/// repository's trust) come from the server's directory mirror, fleet and policy, never
/// from the request.
public struct RequestedContext: Sendable, Equatable {
    public var user: String
    public var repo: String
    public var agentKind: String
    public var surfaces: [Surface]

    public init(user: String, repo: String = "", agentKind: String = "", surfaces: [Surface] = []) {
        self.user = user
        self.repo = repo
        self.agentKind = agentKind
        self.surfaces = surfaces
    }
}

extension Ringfence_V1_DecisionContext {
    /// The request's context checked against `WireLimits`; groups, roles, ring, tags and
    /// the repository trust a client puts in the message are ignored (an unknown trust
    /// value is still refused, as any malformed field).
    public func validatedRequest() throws(WireError) -> RequestedContext {
        try WireText.check(user, "context.user", limit: WireLimits.userName, required: true)
        try WireText.check(repo, "context.repo", limit: WireLimits.repoSlug)
        try WireText.check(agentKind, "context.agent_kind", limit: WireLimits.agentKind)
        try WireText.checkCount(surfaces.count, "context.surfaces", limit: WireLimits.surfaces)
        var surfaceList: [Surface] = []
        for name in surfaces {
            guard let surface = Surface(rawValue: name) else {
                throw WireError(field: "context.surfaces", problem: "'\(name.prefix(64))' is not a surface name")
            }
            surfaceList.append(surface)
        }
        if case .UNRECOGNIZED(let value) = repoTrust {
            throw WireError(field: "context.repo_trust", problem: "has the unknown value \(value)")
        }
        return RequestedContext(user: user, repo: repo, agentKind: agentKind, surfaces: surfaceList)
    }
}
