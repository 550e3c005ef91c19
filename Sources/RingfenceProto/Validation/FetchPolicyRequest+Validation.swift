/// One more repository a FetchPolicy asks for, checked.
public struct RepositoryRequest: Sendable, Equatable {
    public var repo: String
    public var ifNoneMatch: String

    public init(repo: String, ifNoneMatch: String) {
        self.repo = repo
        self.ifNoneMatch = ifNoneMatch
    }
}

extension Ringfence_V1_FetchPolicyRequest {
    /// The request's extra repositories checked against `WireLimits`.
    public func validatedRepositories() throws(WireError) -> [RepositoryRequest] {
        try WireText.checkCount(repositories.count, "repositories", limit: WireLimits.repositoriesPerFetch)
        var result: [RepositoryRequest] = []
        result.reserveCapacity(repositories.count)
        for entry in repositories {
            try WireText.check(entry.repo, "repositories.repo", limit: WireLimits.repoSlug, required: true)
            try WireText.check(entry.ifNoneMatch, "repositories.if_none_match", limit: WireLimits.digest)
            result.append(RepositoryRequest(repo: entry.repo, ifNoneMatch: entry.ifNoneMatch))
        }
        return result
    }
}
