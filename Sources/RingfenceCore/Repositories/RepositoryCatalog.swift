/// The compiled `repositories.yaml` of a policy: classifies a repository slug by the first
/// entry whose glob matches it (file order). A slug no entry matches is unknown and
/// treated as unmanaged; a catch-all entry (`match: "**"`) last in the file sets another
/// default.
public struct RepositoryCatalog: Sendable {
    let entries: [(glob: Glob, rule: RepositoryRule)]

    /// Compiles the rules, in order.
    public init(_ rules: [RepositoryRule]) {
        entries = rules.map { (Glob($0.match), $0) }
    }

    /// The facts of `slug`. A trust stated with the context wins (source `.stated`), with
    /// the owner and managed flag of the matching entry, if any.
    public func classify(_ slug: String, stated: RepoTrust? = nil) -> RepositoryFacts {
        let folded = Glob.fold(slug)
        for (index, entry) in entries.enumerated() where entry.glob.matches(folded: folded) {
            let rule = entry.rule
            return RepositoryFacts(
                slug: slug, trust: stated ?? rule.trust, owner: rule.owner, managed: rule.managed,
                source: stated == nil ? .rule(index: index, match: rule.match) : .stated)
        }
        if let stated {
            return RepositoryFacts(
                slug: slug, trust: stated, owner: nil, managed: stated != .unmanaged, source: .stated)
        }
        return RepositoryFacts(slug: slug, trust: .unmanaged, owner: nil, managed: false, source: .unknown)
    }
}
