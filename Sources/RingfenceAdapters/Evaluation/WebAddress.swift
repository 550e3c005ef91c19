import Foundation

/// The parts of a URL that `web_fetch` rules match: the host (lower-cased, without
/// credentials or port) and the path. A URL without a scheme is read as `https://`.
///
/// ```swift
/// WebAddress("https://user:pw@Paste.example.com:8443/raw/x?y=1")   // host paste.example.com, path /raw/x
/// ```
public struct WebAddress: Sendable, Hashable {
    public var host: String
    /// The path, `/` when the URL has none; no query or fragment.
    public var path: String

    /// Nil when there is no host.
    public init?(_ url: String) {
        var rest = Substring(url)
        while let first = rest.first, first.isWhitespace { rest.removeFirst() }
        while let last = rest.last, last.isWhitespace { rest.removeLast() }
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            authority = authority[...close]
        } else if let colon = authority.firstIndex(of: ":") {
            authority = authority[..<colon]
        }
        guard !authority.isEmpty else { return nil }
        host = authority.lowercased()
        var tail = rest[authorityEnd...]
        if let cut = tail.firstIndex(where: { $0 == "?" || $0 == "#" }) { tail = tail[..<cut] }
        path = tail.isEmpty ? "/" : String(tail)
    }

    /// The texts `web_fetch` patterns are matched against: the host, and host plus path.
    public var subjects: [String] { [host, host + path] }
}
