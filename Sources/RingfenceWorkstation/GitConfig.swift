/// The remotes of a git configuration file, read as git-config(1) describes its syntax:
/// sections `[remote "origin"]` (the subsection quoted, case-sensitive, with `\"` and `\\`
/// escapes) or the older `[remote.origin]`; variable names case-insensitive; values
/// trimmed, with `#` or `;` starting a comment outside double quotes, quotes removed,
/// `\"`, `\\`, `\n`, `\t` unescaped and a backslash at the end of a line continuing it.
/// Pure: the caller reads the file.
public enum GitConfig {
    /// Each `remote.<name>.url`, in file order.
    public static func remoteURLs(_ text: String) -> [(remote: String, url: String)] {
        var result: [(remote: String, url: String)] = []
        var remote: String?
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)[...]
        while let raw = lines.popFirst() {
            var line = String(raw)
            // A value continued on the next line.
            while line.hasSuffix("\\") && !line.hasSuffix("\\\\"), let next = lines.popFirst() {
                line.removeLast()
                line += next
            }
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.first == "[" {
                remote = section(trimmed)
                continue
            }
            guard let remote, let equals = trimmed.firstIndex(of: "=") else { continue }
            let name = trimmed[..<equals].trimmingCharacters(in: " \t").lowercased()
            guard name == "url" else { continue }
            result.append((remote, value(trimmed[trimmed.index(after: equals)...])))
        }
        return result
    }

    /// The URL git would push and fetch with by default: `origin`'s, else the first remote's.
    public static func preferredRemoteURL(_ text: String) -> String? {
        let remotes = remoteURLs(text)
        return (remotes.first { $0.remote == "origin" } ?? remotes.first)?.url
    }

    /// The remote a section header names, or nil for other sections.
    static func section(_ header: Substring) -> String? {
        guard let close = header.lastIndex(of: "]") else { return nil }
        let inside = header[header.index(after: header.startIndex)..<close]
        if let quote = inside.firstIndex(of: "\"") {
            guard inside[..<quote].trimmingCharacters(in: " \t").lowercased() == "remote" else { return nil }
            var name = ""
            var escaped = false
            for character in inside[inside.index(after: quote)...] {
                if escaped {
                    name.append(character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == "\"" {
                    return name
                } else {
                    name.append(character)
                }
            }
            return nil
        }
        // The older form `[remote.origin]`.
        let parts = inside.split(separator: ".", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "remote" else { return nil }
        return parts[1].lowercased()
    }

    /// A value: comments cut, quotes removed, escapes resolved, outer white space trimmed.
    static func value(_ text: Substring) -> String {
        var value = ""
        var quoted = false
        var escaped = false
        var pendingSpace = ""
        for character in text {
            if escaped {
                switch character {
                case "n": value += pendingSpace + "\n"
                case "t": value += pendingSpace + "\t"
                case "b": value += pendingSpace + "\u{8}"
                default: value += pendingSpace + String(character)
                }
                pendingSpace = ""
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if !quoted && (character == "#" || character == ";") {
                break
            } else if !quoted && (character == " " || character == "\t") {
                if !value.isEmpty { pendingSpace.append(character) }
            } else {
                value += pendingSpace + String(character)
                pendingSpace = ""
            }
        }
        return value
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
