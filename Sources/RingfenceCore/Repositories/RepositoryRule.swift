/// One entry of a policy's `repositories.yaml`: the repositories a glob matches, how much
/// they are trusted, which group owns them and whether the company manages them.
///
/// Repository trust is policy: it is published and versioned with the packs and
/// assignments, and the server never takes an agent's word for it.
public struct RepositoryRule: Sendable, Hashable, Codable {
    /// Glob over repository slugs (`payments/*`, `infra/**`), as in selectors.
    public var match: String
    /// Trust of the repositories it matches.
    public var trust: RepoTrust
    /// The group that owns them, if named.
    public var owner: String?
    /// Whether the company manages them; `false` makes the `unmanaged_repo` surface apply.
    public var managed: Bool

    /// Creates a rule; `managed` defaults to true unless the trust is `unmanaged`.
    public init(match: String, trust: RepoTrust, owner: String? = nil, managed: Bool? = nil) {
        self.match = match
        self.trust = trust
        self.owner = owner
        self.managed = managed ?? (trust != .unmanaged)
    }
}
