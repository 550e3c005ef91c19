/// How much a repository is trusted; assignments can select on it.
public enum RepoTrust: String, Sendable, Hashable, CaseIterable, Codable {
    /// Throw-away or experimental code.
    case sandbox
    /// Ordinary internal code.
    case `internal`
    /// Code that ships to production.
    case production
    /// A repository the company does not manage.
    case unmanaged
}
