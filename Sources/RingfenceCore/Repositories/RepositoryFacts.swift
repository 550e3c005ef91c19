/// What policy says about the repository of a decision: its trust, owner and whether it
/// is managed, and where that came from. Part of every ``Resolution`` made for a repository.
public struct RepositoryFacts: Sendable, Hashable {
    /// Where the facts came from.
    public enum Source: Sendable, Hashable, CustomStringConvertible {
        /// The first entry of `repositories.yaml` that matched (position, pattern).
        case rule(index: Int, match: String)
        /// No entry matched: an unknown repository is unmanaged.
        case unknown
        /// The trust was given with the context (`ringfence explain --trust`, a policy
        /// test); never the case for an agent's request.
        case stated

        public var description: String {
            switch self {
            case .rule(let index, let match): "repositories[\(index)] '\(match)'"
            case .unknown: "no repositories entry matches: unknown, treated as unmanaged"
            case .stated: "stated with the context"
            }
        }
    }

    /// Repository slug.
    public var slug: String
    /// Its trust.
    public var trust: RepoTrust
    /// The owning group, if policy names one.
    public var owner: String?
    /// Whether the company manages it.
    public var managed: Bool
    /// Where the facts came from.
    public var source: Source

    /// Creates facts.
    public init(slug: String, trust: RepoTrust, owner: String?, managed: Bool, source: Source) {
        self.slug = slug
        self.trust = trust
        self.owner = owner
        self.managed = managed
        self.source = source
    }
}
