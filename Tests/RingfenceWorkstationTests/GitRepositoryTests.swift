import Foundation
import RingfenceTestSupport
import RingfenceWorkstation
import Testing

/// Repositories made by the real `git` in a temporary folder: a plain clone layout, a
/// linked worktree and a submodule, as developers have them.
@Suite("GitRepository with real git repositories")
struct GitRepositoryTests {
    @Test("from any directory inside a working tree: its root and origin's slug")
    func plain() throws {
        try GitTool.withFolder { folder in
            let repo = folder.appendingPathComponent("api")
            try GitTool.initialize(repo)
            try FileManager.default.createDirectory(
                at: repo.appendingPathComponent("src/deep"), withIntermediateDirectories: true)
            // Another remote first: origin is still the one read.
            try GitTool.run(["remote", "add", "upstream", "https://github.com/other/api.git"], in: repo)
            try GitTool.run(["remote", "add", "origin", "git@github.com:Payments/API.git"], in: repo)
            let found = GitRepository.containing(repo.appendingPathComponent("src/deep").path)
            #expect(found?.root == repo.path)
            #expect(found?.remoteURL == "git@github.com:Payments/API.git")
            #expect(found?.slug == "payments/api")
            #expect(
                GitRepository.containing(repo.path + "/src//deep/./../deep/")?.root == repo.path, "lexically normalized"
            )
            #expect(GitRepository.containing(folder.path) == nil, "outside any repository")
        }
    }

    @Test("a linked worktree reads the main repository's configuration")
    func worktree() throws {
        try GitTool.withFolder { folder in
            let repo = folder.appendingPathComponent("infra")
            try GitTool.initialize(repo, origin: "https://git.example.com/platform/infra.git")
            try GitTool.run(["commit", "-q", "--allow-empty", "-m", "first"], in: repo)
            try GitTool.run(["worktree", "add", "-q", "../infra-hotfix"], in: repo)
            let worktree = folder.appendingPathComponent("infra-hotfix")
            let found = GitRepository.containing(worktree.path)
            #expect(found?.root == worktree.path)
            #expect(found?.slug == "platform/infra")
        }
    }

    @Test("inside a submodule: the submodule's own remote, not the superproject's")
    func submodule() throws {
        try GitTool.withFolder { folder in
            let library = folder.appendingPathComponent("lib")
            try GitTool.initialize(library)
            try GitTool.run(["commit", "-q", "--allow-empty", "-m", "lib"], in: library)
            let app = folder.appendingPathComponent("app")
            try GitTool.initialize(app, origin: "git@github.com:acme/app.git")
            try GitTool.run(["submodule", "add", "-q", library.path, "vendor/lib"], in: app)
            // The submodule's remote is the path it was added from; give it a hosted one.
            try GitTool.run(
                ["remote", "set-url", "origin", "https://github.com/acme/lib.git"],
                in: app.appendingPathComponent("vendor/lib"))
            let inSubmodule = GitRepository.containing(app.appendingPathComponent("vendor/lib").path)
            #expect(inSubmodule?.root == app.appendingPathComponent("vendor/lib").path)
            #expect(inSubmodule?.slug == "acme/lib")
            #expect(GitRepository.containing(app.appendingPathComponent("vendor").path)?.slug == "acme/app")
        }
    }

    @Test("relative and missing paths find nothing")
    func unusable() {
        #expect(GitRepository.containing("") == nil)
        #expect(GitRepository.containing("relative/dir") == nil)
        #expect(GitRepository.containing("/nonexistent-\(UUID().uuidString)/a/b") == nil)
    }
}
