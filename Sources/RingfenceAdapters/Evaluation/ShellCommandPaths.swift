import Foundation

/// The files a shell command line reads and writes, as far as can be told without running
/// it: the operands of programs that read files (`cat`, `head`, `base64`, `grep`…), the
/// sources and destination of copies (`cp`, `scp`, `rsync`, `mv`), what `curl` and `wget`
/// upload (`-d @file`, `-F x=@file`, `-T file`, `--post-file=file`), `dd if=`/`of=`,
/// `tee`, `source`, and redirections (`< file` reads, `> file` and `>> file` write).
///
/// Claude Code's own `Read(…)` rules do not cover a `cat` through Bash; this is what lets
/// the `sensitive_path_read` rules decide `cat ~/.ssh/id_rsa` and `curl -d @.env …`.
///
/// The command is split into simple commands (`;`, `&&`, `||`, `|`, `&`, new lines),
/// words are read as a POSIX shell reads them (single and double quotes, backslashes),
/// and `sudo`, `env`, `nohup`, `time`, `command`, `exec`, `nice` and leading
/// `NAME=value` assignments are looked through. Paths are made absolute: `~` and `$HOME`
/// from the home directory, relative ones from the working directory. Expansions other
/// than `~` and `$HOME` (globs, other variables, command substitution) are kept as
/// written. At most `limit` paths of each kind are returned; the work is linear in the
/// length of the command.
public struct ShellCommandPaths: Sendable, Hashable {
    public var reads: [String] = []
    public var writes: [String] = []

    /// Paths kept per kind.
    public static let limit = 64

    public init(command: String, workingDirectory: String, home: String) {
        scan(command: command, resolver: PathResolver(workingDirectory: workingDirectory, home: home), depth: 0)
        reads = Array(reads.prefix(Self.limit))
        writes = Array(writes.prefix(Self.limit))
    }

    /// Shells whose `-c` argument is itself a command line (looked into twice at most).
    static let shells: Set<String> = ["sh", "bash", "zsh", "dash", "ksh"]

    mutating func scan(command: String, resolver: PathResolver, depth: Int) {
        for simple in Self.simpleCommands(command) {
            scan(simple, resolver: resolver, depth: depth)
            if reads.count >= Self.limit && writes.count >= Self.limit { break }
        }
    }

    // MARK: - Words

    /// A word of a simple command, or a redirection operator.
    enum Token: Equatable {
        case word(String)
        case readFrom
        case writeTo
        /// `<<` and `<<<`: the next word is a delimiter or a string, not a file.
        case hereDocument
    }

    /// Simple commands with their words, split on control operators outside quotes.
    static func simpleCommands(_ command: String) -> [[Token]] {
        var commands: [[Token]] = []
        var tokens: [Token] = []
        var word = ""
        var inWord = false
        var characters = Array(command)[...]

        func endWord() {
            if inWord { tokens.append(.word(word)) }
            word = ""
            inWord = false
        }
        func endCommand() {
            endWord()
            if !tokens.isEmpty { commands.append(tokens) }
            tokens = []
        }

        while let character = characters.popFirst() {
            switch character {
            case "'":
                inWord = true
                while let next = characters.popFirst(), next != "'" { word.append(next) }
            case "\"":
                inWord = true
                while let next = characters.popFirst(), next != "\"" {
                    if next == "\\", let escaped = characters.first, "\"\\$`".contains(escaped) {
                        word.append(escaped)
                        characters.removeFirst()
                    } else {
                        word.append(next)
                    }
                }
            case "\\":
                inWord = true
                if let escaped = characters.popFirst(), escaped != "\n" { word.append(escaped) }
            case " ", "\t":
                endWord()
            case ";", "\n", "|", "&", "(", ")", "{", "}", "`":
                // `2>&1`, `&>`: a `&` right after `>` or before `>` belongs to a redirection.
                if character == "&", characters.first == ">" {
                    endWord()
                    characters.removeFirst()
                    if characters.first == ">" { characters.removeFirst() }
                    tokens.append(.writeTo)
                } else {
                    endCommand()
                }
            case "<":
                // A number before `<` (`0<`) is a descriptor, not a word.
                if inWord, word.allSatisfy(\.isNumber) {
                    word = ""
                    inWord = false
                }
                endWord()
                if characters.first == "<" {
                    characters.removeFirst()
                    if characters.first == "<" { characters.removeFirst() }
                    if characters.first == "-" { characters.removeFirst() }
                    tokens.append(.hereDocument)
                } else if characters.first == ">" {
                    characters.removeFirst()
                    tokens.append(.writeTo)
                } else {
                    tokens.append(.readFrom)
                }
            case ">":
                if inWord, word.allSatisfy(\.isNumber) {
                    word = ""
                    inWord = false
                }
                endWord()
                if characters.first == ">" || characters.first == "|" { characters.removeFirst() }
                if characters.first == "&" {
                    // `>&2`: duplicating a descriptor, not a file.
                    characters.removeFirst()
                    while let next = characters.first, next.isNumber || next == "-" { characters.removeFirst() }
                } else {
                    tokens.append(.writeTo)
                }
            default:
                inWord = true
                word.append(character)
            }
        }
        endCommand()
        return commands
    }

    // MARK: - Programs

    /// Programs that read every operand (or, where noted, every operand after the first).
    static let readers: Set<String> = [
        "cat", "tac", "nl", "less", "more", "head", "tail", "strings", "xxd", "od", "hexdump", "base64", "base32",
        "md5sum", "sha1sum", "sha256sum", "sha512sum", "shasum", "wc", "cut", "sort", "uniq", "diff", "cmp",
        "file", "stat", "source", ".", "vi", "vim", "nvim", "nano", "emacs", "code", "view", "bat", "zcat",
        "gpg", "ssh-keygen", "openssl", "python", "python3", "node", "ruby", "perl", "bash", "sh", "zsh",
    ]
    /// Programs whose first operand is a pattern or script, the rest files.
    static let patternReaders: Set<String> = ["grep", "egrep", "fgrep", "rg", "ag", "awk", "sed", "jq", "yq"]
    /// Programs that copy their operands to the last one.
    static let copiers: Set<String> = ["cp", "scp", "rsync", "mv", "install", "ln"]
    /// Programs that only write their operands.
    static let writers: Set<String> = ["tee", "touch", "truncate", "rm", "shred", "chmod", "chown"]
    /// Wrappers whose arguments are another command.
    static let wrappers: Set<String> = ["sudo", "doas", "env", "nohup", "time", "command", "exec", "nice", "xargs"]

    mutating func scan(_ tokens: [Token], resolver: PathResolver, depth: Int) {
        var words: [String] = []
        var pending: Token?
        for token in tokens {
            if let redirection = pending {
                pending = nil
                if case .word(let target) = token {
                    switch redirection {
                    case .readFrom: reads.append(resolver.absolute(target))
                    case .writeTo: writes.append(resolver.absolute(target))
                    default: break
                    }
                    continue
                }
            }
            switch token {
            case .word(let word): words.append(word)
            case .readFrom, .writeTo, .hereDocument: pending = token
            }
        }
        // Leading assignments and wrappers.
        var start = 0
        while start < words.count {
            let word = words[start]
            if word.contains("="), !word.hasPrefix("-"), !word.hasPrefix("="),
                word.prefix(while: { $0 != "=" }).allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" })
            {
                start += 1
            } else if Self.wrappers.contains(Self.program(word)) {
                start += 1
                // Options of the wrapper (`sudo -u root`, `nice -n 10`): skip what looks like them.
                while start < words.count, words[start].hasPrefix("-") {
                    start += ["-u", "-g", "-n", "-C"].contains(words[start]) ? 2 : 1
                }
            } else {
                break
            }
        }
        guard start < words.count else { return }
        let program = Self.program(words[start])
        let arguments = Array(words[(start + 1)...])
        let operands = arguments.filter { !$0.hasPrefix("-") }
        if Self.shells.contains(program), let flag = arguments.firstIndex(of: "-c") {
            if depth < 2, flag + 1 < arguments.count {
                scan(command: arguments[flag + 1], resolver: resolver, depth: depth + 1)
            }
            return
        }
        switch program {
        case _ where Self.readers.contains(program):
            reads += operands.map(resolver.absolute)
        case _ where Self.patternReaders.contains(program):
            let hasPatternOption = arguments.contains { $0 == "-e" || $0 == "-f" || $0.hasPrefix("--regexp") }
            reads += operands.dropFirst(hasPatternOption ? 0 : 1).map(resolver.absolute)
        case _ where Self.copiers.contains(program):
            let local = operands.filter { !Self.isRemote($0) }
            guard let last = operands.last else { return }
            reads += local.filter { $0 != last }.map(resolver.absolute)
            if !Self.isRemote(last) { writes.append(resolver.absolute(last)) }
        case _ where Self.writers.contains(program):
            writes += operands.map(resolver.absolute)
        case "dd":
            for argument in arguments {
                if argument.hasPrefix("if=") { reads.append(resolver.absolute(String(argument.dropFirst(3)))) }
                if argument.hasPrefix("of=") { writes.append(resolver.absolute(String(argument.dropFirst(3)))) }
            }
        case "tar", "zip", "7z", "gzip", "bzip2", "xz":
            reads += operands.map(resolver.absolute)
        case "curl", "wget", "http", "nc", "ncat", "socat":
            scanUploads(arguments, resolver: resolver)
        default:
            break
        }
    }

    /// Files `curl` and `wget` send: `-d @f`, `--data-binary @f`, `--data-urlencode n@f`,
    /// `-F n=@f` or `n=<f`, `-T f`, `--upload-file f`, `-K f`, `--post-file=f`,
    /// `--body-file=f`; and what they write: `-o f`, `-O f` (wget), `--output f`.
    mutating func scanUploads(_ arguments: [String], resolver: PathResolver) {
        let dataOptions: Set<String> = [
            "-d", "--data", "--data-binary", "--data-ascii", "--data-urlencode", "--json", "-F", "--form",
        ]
        let fileOptions: Set<String> = ["-T", "--upload-file", "-K", "--config", "--post-file", "--body-file", "-i"]
        let outputOptions: Set<String> = ["-o", "--output", "-O", "--output-document"]
        var index = 0
        while index < arguments.count {
            var option = arguments[index]
            var value: String?
            if let equals = option.firstIndex(of: "="), option.hasPrefix("--") {
                value = String(option[option.index(after: equals)...])
                option = String(option[..<equals])
            } else if option.count > 2, option.hasPrefix("-"), !option.hasPrefix("--"),
                dataOptions.contains(String(option.prefix(2))) || fileOptions.contains(String(option.prefix(2)))
                    || outputOptions.contains(String(option.prefix(2)))
            {
                // `-d@file`, `-Tfile`
                value = String(option.dropFirst(2))
                option = String(option.prefix(2))
            }
            let known = dataOptions.contains(option) || fileOptions.contains(option) || outputOptions.contains(option)
            if known, value == nil, index + 1 < arguments.count {
                value = arguments[index + 1]
                index += 1
            }
            if let value {
                if dataOptions.contains(option), let file = Self.uploadedFile(value) {
                    reads.append(resolver.absolute(file))
                } else if fileOptions.contains(option), value != "-" {
                    reads.append(resolver.absolute(value))
                } else if outputOptions.contains(option), value != "-" {
                    writes.append(resolver.absolute(value))
                }
            }
            index += 1
        }
    }

    /// The file of a curl data or form value: `@file`, `name@file`, `name=@file`, `name=<file`.
    static func uploadedFile(_ value: String) -> String? {
        if value.hasPrefix("@") { return value.count > 1 ? String(value.dropFirst()) : nil }
        if let marker = value.range(of: "=@") ?? value.range(of: "=<") {
            let file = value[marker.upperBound...].prefix { $0 != ";" }
            return file.isEmpty ? nil : String(file)
        }
        if let at = value.firstIndex(of: "@"), value[..<at].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
            let file = value[value.index(after: at)...]
            return file.isEmpty ? nil : String(file)
        }
        return nil
    }

    /// `host:path` or `user@host:path` (scp, rsync) names another machine's file.
    static func isRemote(_ operand: String) -> Bool {
        guard let colon = operand.firstIndex(of: ":"), !operand.hasPrefix("/"), !operand.hasPrefix(".") else {
            return false
        }
        return !operand[..<colon].contains("/")
    }

    /// The program's name without its directory (`/usr/bin/cat` → `cat`).
    static func program(_ word: String) -> String {
        word.split(separator: "/").last.map(String.init) ?? word
    }
}
