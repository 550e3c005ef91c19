import Foundation
import Testing

@testable import RingfenceCore

/// `repositories.yaml` decides a repository's trust: first match wins, unknown is unmanaged,
/// and the resolver uses it whenever the context states none (rule 0).
@Suite("Repository catalog")
struct RepositoryCatalogTests {
    static let rules = [
        RepositoryRule(match: "acme/sandbox-*", trust: .sandbox, owner: "platform"),
        RepositoryRule(match: "payments/*", trust: .production, owner: "payments-eng"),
        RepositoryRule(match: "vendor/**", trust: .internal, managed: false),
        RepositoryRule(match: "acme/**", trust: .internal),
    ]
    let catalog = RepositoryCatalog(rules)

    @Test("the first entry that matches decides, in file order; globs as in selectors")
    func firstMatch() {
        #expect(
            catalog.classify("acme/sandbox-ml")
                == RepositoryFacts(
                    slug: "acme/sandbox-ml", trust: .sandbox, owner: "platform", managed: true,
                    source: .rule(index: 0, match: "acme/sandbox-*")))
        #expect(catalog.classify("acme/tools").source == .rule(index: 3, match: "acme/**"))
        #expect(catalog.classify("payments/api").trust == .production)
        // `*` stays within a segment.
        #expect(catalog.classify("payments/api/v2").source == .unknown)
        #expect(catalog.classify("vendor/lib/x").managed == false)
        #expect(catalog.classify("vendor/lib/x").trust == .internal)
        #expect(catalog.classify("PAYMENTS/API").trust == .production)
    }

    @Test("a repository no entry matches is unknown: unmanaged")
    func unknown() {
        let facts = catalog.classify("someone/else")
        #expect(
            facts
                == RepositoryFacts(
                    slug: "someone/else", trust: .unmanaged, owner: nil, managed: false, source: .unknown))
        #expect(RepositoryCatalog([]).classify("acme/api").trust == .unmanaged)
    }

    @Test("an unmanaged trust is never managed unless said; a stated trust wins but keeps the entry's owner")
    func managedDefaults() {
        #expect(RepositoryRule(match: "x", trust: .unmanaged).managed == false)
        #expect(RepositoryRule(match: "x", trust: .production).managed == true)
        let stated = catalog.classify("payments/api", stated: .sandbox)
        #expect(stated.trust == .sandbox && stated.owner == "payments-eng" && stated.source == .stated)
    }

    @Test("the resolver takes trust from the catalog; selectors on trust see it; the etag tells managed apart")
    func resolverRuleZero() throws {
        let pack = PackVersion(
            pack: "shell", version: 1,
            rules: [Rule(id: "RS-1", surface: .riskyShell, match: ["rm -rf /*"], level: .block, risk: .critical)])
        let assignments = [
            Assignment(id: "base", pack: "shell", priority: 100),
            Assignment(
                id: "sandbox-observe", priority: 800, selector: Selector(repoTrust: [.sandbox]),
                overrides: [.riskyShell: .observe]),
        ]
        let snapshot = try PolicySnapshot(
            bundle: PolicyBundle(
                packs: [pack], assignments: assignments, ringMappings: [RingMapping(group: "eng", ring: .enforce)],
                repositories: Self.rules))
        func resolve(_ repo: String?, trust: RepoTrust? = nil) -> Resolution {
            snapshot.resolve(DecisionContext(user: "u", groups: ["eng"], repo: repo, trust: trust, at: Date()))
        }
        #expect(resolve("acme/sandbox-ml").surface(.riskyShell)?.level == .observe)
        #expect(resolve("payments/api").surface(.riskyShell)?.level == .block)
        #expect(resolve("payments/api").context.trust == .production)
        #expect(resolve("payments/api", trust: .sandbox).surface(.riskyShell)?.level == .observe)
        #expect(resolve(nil).repository == nil && resolve(nil).context.trust == nil)
        // Same rules and levels, but one repository is managed and the other not.
        #expect(resolve("acme/tools").etag != resolve("vendor/lib").etag)
        #expect(resolve("acme/tools").etag == resolve("acme/other").etag)
        #expect(
            resolve("payments/api").explanation(includeTrace: false).contains(
                "repo:     production, managed, owned by payments-eng — repositories[1] 'payments/*'"))
    }
}
