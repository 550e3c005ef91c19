/// The slug a repository is known by in policy (`payments/api`), from the URL of its git
/// remote.
///
/// Git accepts a remote as a URL (`https://`, `http://`, `ssh://`, `git://`, `git+ssh://`,
/// `ssh+git://`, each with an optional `user[:password]@` and `:port`) or in the scp-like
/// form `[user@]host:path` — a colon before any slash (git-clone(1), "GIT URLS"). The slug
/// is the path on the host: leading and trailing slashes, a `.git` suffix and any
/// credentials dropped, repeated slashes collapsed, lower-cased (GitHub and GitLab treat
/// repository paths case-insensitively). The host is not part of the slug, so the same
/// path on two hosts is one repository to policy. Local paths (also Windows drive paths),
/// `file://` URLs and other schemes have no slug.
public enum RepositorySlug {
    /// Whether a text is a slug: at least two path segments of printable characters
    /// without spaces, no empty segment, at most 512 bytes.
    public static func isValid(_ text: String) -> Bool {
        let segments = text.split(separator: "/", omittingEmptySubsequences: false)
        return text.utf8.count <= 512 && segments.count >= 2
            && segments.allSatisfy {
                !$0.isEmpty && $0.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7F }
            }
    }

    /// The slug of `remoteURL`, or nil when it names no repository on a host.
    public static func from(remoteURL: String) -> String? {
        let url = remoteURL.trimmingWhitespace
        guard !url.isEmpty, !url.contains(where: { $0.isNewline || $0 == "\0" }) else { return nil }
        let path: Substring
        if let separator = schemeSeparator(in: url) {
            let scheme = url[..<separator].lowercased()
            guard ["https", "http", "ssh", "git", "git+ssh", "ssh+git"].contains(scheme) else { return nil }
            let rest = url[url.index(separator, offsetBy: 3)...]
            guard let slash = rest.firstIndex(of: "/") else { return nil }
            let authority = rest[..<slash]
            guard !authority.isEmpty, !authority.hasSuffix("@") else { return nil }
            path = rest[slash...]
        } else {
            // scp-like: a colon before any slash; without one it is a local path, and so is
            // a Windows drive (`C:/repos/api`, one letter before the colon).
            guard let colon = url.firstIndex(of: ":"),
                !url[..<colon].contains("/"), url.distance(from: url.startIndex, to: colon) > 1
            else { return nil }
            let host = url[..<colon].split(separator: "@", omittingEmptySubsequences: false).last ?? ""
            guard !host.isEmpty else { return nil }
            path = url[url.index(after: colon)...]
        }
        var segments = path.split(separator: "/").map(String.init)
        if var last = segments.popLast() {
            if last.lowercased().hasSuffix(".git") { last.removeLast(4) }
            if !last.isEmpty { segments.append(last) }
        }
        // An ssh path may start at the user's home (`~user/repo`); the slug is the rest.
        if let first = segments.first, first.hasPrefix("~") { segments.removeFirst() }
        guard !segments.isEmpty, !segments.contains(where: { $0 == "." || $0 == ".." }) else { return nil }
        return segments.joined(separator: "/").lowercased()
    }
}

extension RepositorySlug {
    /// Where `://` starts, when the scheme before it is letters, digits, `+`, `-` or `.`.
    static func schemeSeparator(in url: Substring) -> Substring.Index? {
        var index = url.startIndex
        while index < url.endIndex {
            let character = url[index]
            if character == ":" {
                let rest = url[index...]
                return rest.hasPrefix("://") && index > url.startIndex ? index : nil
            }
            guard character.isASCII, character.isLetter || character.isNumber || "+-.".contains(character) else {
                return nil
            }
            index = url.index(after: index)
        }
        return nil
    }
}

extension String {
    fileprivate var trimmingWhitespace: Substring {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = lastIndex { !$0.isWhitespace }.map { index(after: $0) } ?? start
        return self[start..<max(start, end)]
    }
}
