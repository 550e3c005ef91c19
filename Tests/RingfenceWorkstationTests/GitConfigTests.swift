import RingfenceWorkstation
import Testing

@Suite("GitConfig")
struct GitConfigTests {
    @Test("remotes in both section forms, with comments, quotes, escapes and continued lines")
    func remotes() {
        let text = """
            [core]
            \turl = not-a-remote
            [remote "upstream"]
            \tURL = https://github.com/acme/upstream.git ; a comment
            [Remote "origin"]
            \tfetch = +refs/heads/*:refs/remotes/origin/*
            \turl = "git@github.com:acme/api.git" # quoted
            [remote "we\\"ird"]
            \turl = https://git.example.com/a\\
            b.git
            [remote.legacy]
            url=ssh://git@git.example.com/legacy/tool.git
            """
        let remotes = GitConfig.remoteURLs(text)
        #expect(remotes.map(\.remote) == ["upstream", "origin", "we\"ird", "legacy"])
        #expect(
            remotes.map(\.url) == [
                "https://github.com/acme/upstream.git", "git@github.com:acme/api.git", "https://git.example.com/ab.git",
                "ssh://git@git.example.com/legacy/tool.git",
            ])
        #expect(GitConfig.preferredRemoteURL(text) == "git@github.com:acme/api.git")
    }

    @Test("without origin the first remote; without remotes none")
    func preferred() {
        #expect(GitConfig.preferredRemoteURL("[remote \"b\"]\nurl = x:b/c\n[remote \"a\"]\nurl = x:a/c\n") == "x:b/c")
        #expect(GitConfig.preferredRemoteURL("[core]\n\tbare = false\n") == nil)
        #expect(GitConfig.preferredRemoteURL("") == nil)
    }
}
