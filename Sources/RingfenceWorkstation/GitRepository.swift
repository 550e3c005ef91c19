import Foundation
import RingfenceCore

/// The git repository a working directory belongs to, found the way git finds it but
/// without starting git (the hook has milliseconds): walk up from the directory to the
/// first `.git` — a directory, or in a linked worktree or a submodule a file reading
/// `gitdir: <path>` —, then the configuration in the repository's common directory (a
/// worktree's `commondir` file names it), and from it the remote's URL (`origin`, else
/// the first remote).
public struct GitRepository: Sendable, Equatable {
    /// The top of the working tree.
    public var root: String
    /// The remote's URL as configured; nil when the repository has no remote.
    public var remoteURL: String?

    /// The repository's slug in policy (`RepositorySlug`); nil without a usable remote.
    public var slug: String? { remoteURL.flatMap(RepositorySlug.from) }

    /// Largest `.git` file or configuration read, in bytes.
    static let maxFileBytes = 1 << 20

    /// The repository containing `directory` (an absolute path), or nil when there is none
    /// up to the file system's root.
    public static func containing(_ directory: String) -> GitRepository? {
        guard directory.hasPrefix("/") else { return nil }
        var current = URL(fileURLWithPath: directory).standardizedFileURL.path
        while true {
            if let gitDirectory = gitDirectory(in: current) {
                let common = commonDirectory(of: gitDirectory)
                let config = read(common + "/config") ?? ""
                return GitRepository(root: current, remoteURL: GitConfig.preferredRemoteURL(config))
            }
            guard current != "/" else { return nil }
            current = (current as NSString).deletingLastPathComponent
            if current.isEmpty { current = "/" }
        }
    }

    /// `directory/.git` when it is a repository's directory, or the directory a `.git`
    /// file points to.
    static func gitDirectory(in directory: String) -> String? {
        let dotGit = (directory == "/" ? "" : directory) + "/.git"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dotGit, isDirectory: &isDirectory) else { return nil }
        if isDirectory.boolValue { return dotGit }
        guard let text = read(dotGit), text.hasPrefix("gitdir:") else { return nil }
        let target = text.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !target.isEmpty else { return nil }
        return absolute(target, relativeTo: directory)
    }

    /// The directory holding the shared configuration: a worktree's `commondir`, else itself.
    static func commonDirectory(of gitDirectory: String) -> String {
        guard let text = read(gitDirectory + "/commondir") else { return gitDirectory }
        let target = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return target.isEmpty ? gitDirectory : absolute(target, relativeTo: gitDirectory)
    }

    static func absolute(_ path: String, relativeTo base: String) -> String {
        let joined = path.hasPrefix("/") ? path : base + "/" + path
        return URL(fileURLWithPath: joined).standardizedFileURL.path
    }

    static func read(_ path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let data = try? handle.read(upToCount: maxFileBytes) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
