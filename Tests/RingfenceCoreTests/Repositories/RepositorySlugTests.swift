import PropertyBased
import RingfenceCore
import RingfenceTestSupport
import Testing

@Suite("RepositorySlug")
struct RepositorySlugTests {
    @Test(
        "every form git accepts names the repository by its path on the host",
        arguments: [
            ("https://github.com/Payments/API.git", "payments/api"),
            ("https://github.com/payments/api", "payments/api"),
            ("https://github.com/payments/api/", "payments/api"),
            ("http://git.example.com:8080/payments/api.git", "payments/api"),
            ("https://ci-bot:s3cr3t@github.com/payments/api.git", "payments/api"),
            ("ssh://git@github.com/payments/api.git", "payments/api"),
            ("ssh://git@git.example.com:2222/payments/api.git", "payments/api"),
            ("git+ssh://git@github.com/payments/api.git", "payments/api"),
            ("git://git.example.com/payments/api", "payments/api"),
            ("git@github.com:payments/api.git", "payments/api"),
            ("github.com:payments/api", "payments/api"),
            ("git@gitlab.com:group/subgroup/api.git", "group/subgroup/api"),
            ("ssh://git@git.example.com/~alice/scratch.git", "scratch"),
            ("  https://github.com//payments//api.git\t", "payments/api"),
        ])
    func forms(url: String, slug: String) {
        #expect(RepositorySlug.from(remoteURL: url) == slug, "\(url)")
    }

    @Test(
        "local paths, file URLs and URLs without a path have no slug",
        arguments: [
            "/srv/git/api.git", "./api", "../api.git", "file:///srv/git/api.git", "https://github.com",
            "https://github.com/", "git@github.com:", "git@github.com:.git", "", "  ", "C:/repos/api",
            "https://github.com/a/../b", "ftp://example.com/a/b", "https://github.com/a\nb",
        ])
    func none(url: String) {
        #expect(RepositorySlug.from(remoteURL: url) == nil, "\(url)")
    }

    @Test("the same path written in any form gives one slug")
    func anyForm() async {
        await propertyCheck(count: 300, input: Choices.generator) { values in
            var choices = Choices(values)
            let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
            func word() -> String {
                var word = String((0...choices.int(0...8)).map { _ in choices.pick(alphabet) })
                while word.hasPrefix(".") || word.hasSuffix(".") || word.lowercased().hasSuffix(".git") {
                    word = "r" + word.filter { $0 != "." }
                }
                return word
            }
            let path = (0...choices.int(1...2)).map { _ in word() }.joined(separator: "/")
            let host = choices.pick(["github.com", "gitlab.example.com", "10.0.0.7"])
            let suffix = choices.pick(["", ".git", "/", ".git/"])
            let forms = [
                "https://\(host)/\(path)\(suffix)", "ssh://git@\(host):22/\(path)\(suffix)",
                "git@\(host):\(path)\(suffix)",
                "git://\(host)/\(path)\(suffix)",
            ]
            let slugs = Set(forms.map { RepositorySlug.from(remoteURL: $0) })
            #expect(slugs == [path.lowercased()], "\(forms)")
        }
    }
}
