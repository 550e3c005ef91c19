import Foundation
import RingfenceCore

#if canImport(Glibc)
    import Glibc
#else
    import Darwin
#endif

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
        // Plain string work and stat(2): the hook runs this on every call.
        var current = normalized(directory)
        while true {
            if let gitDirectory = gitDirectory(in: current) {
                let common = commonDirectory(of: gitDirectory)
                let config = contents(of: common + "/config") ?? ""
                return GitRepository(root: current, remoteURL: GitConfig.preferredRemoteURL(config))
            }
            guard current != "/" else { return nil }
            current = parent(of: current)
        }
    }

    /// `directory/.git` when it is a repository's directory, or the directory a `.git`
    /// file points to.
    static func gitDirectory(in directory: String) -> String? {
        let dotGit = (directory == "/" ? "" : directory) + "/.git"
        var status = stat()
        guard stat(dotGit, &status) == 0 else { return nil }
        if status.st_mode & S_IFMT == S_IFDIR { return dotGit }
        guard status.st_mode & S_IFMT == S_IFREG, let text = contents(of: dotGit), text.hasPrefix("gitdir:") else {
            return nil
        }
        let target = text.dropFirst("gitdir:".count).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !target.isEmpty else { return nil }
        return absolute(target, relativeTo: directory)
    }

    /// An absolute path without `.`, `..`, repeated or trailing slashes (lexically, as git
    /// does for paths it is given).
    static func normalized(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            switch part {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    /// The directory holding the shared configuration: a worktree's `commondir`, else itself.
    static func commonDirectory(of gitDirectory: String) -> String {
        guard let text = contents(of: gitDirectory + "/commondir") else { return gitDirectory }
        let target = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return target.isEmpty ? gitDirectory : absolute(target, relativeTo: gitDirectory)
    }

    static func absolute(_ path: String, relativeTo base: String) -> String {
        normalized(path.hasPrefix("/") ? path : base + "/" + path)
    }

    /// A file's text, at most `maxFileBytes`; nil when it cannot be read.
    static func contents(of path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < maxFileBytes {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += buffer[..<min(count, maxFileBytes - bytes.count)]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
