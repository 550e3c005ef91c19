import RingfenceCore

/// Decides actions against an `AgentPolicy`, the way `ringfence hook` does before every
/// shell command; matching is linear in the text whatever the pattern.
///
/// Of all matching rules the strongest applied level decides, then the strongest
/// uncapped level (so a capped block shows as a block-candidate), then pack and rule id.
/// A shell command is checked whole and also part by part (split on `;`, `&&`, `||` and
/// new lines), so `cd x && rm -rf /` cannot hide `rm -rf /`.
public struct ActionEvaluator: Sendable {
    struct CompiledRule: Sendable {
        let surface: Surface
        let rule: AgentPolicy.Rule
        let globs: [Glob]
    }

    /// The policy decided against.
    public let policy: AgentPolicy
    /// Home directory, for patterns starting with `~/`.
    public let home: String

    /// Prepares a policy for decisions. Patterns are compiled when a decision needs their
    /// surface, so a hook run compiles only what its one action is checked against.
    public init(policy: AgentPolicy, home: String) {
        self.policy = policy
        self.home = home.hasSuffix("/") ? String(home.dropLast()) : home
    }

    static let textualSurfaces: Set<Surface> = [
        .riskyShell, .credentialExfiltration, .promptCredential, .unrecognized, .unapprovedMcpServer,
    ]

    /// The compiled rules of a surface. Command lines, prompts and raw input names have no
    /// path structure: their patterns are command globs (`*` crosses `/`).
    func compiled(_ surface: Surface) -> [CompiledRule] {
        guard let rules = policy.surfaces.first(where: { $0.surface == surface })?.rules else { return [] }
        let command = Self.textualSurfaces.contains(surface)
        return rules.map { rule in
            CompiledRule(surface: surface, rule: rule, globs: rule.match.map { command ? Glob(command: $0) : Glob($0) })
        }
    }

    /// The decision for an action.
    ///
    /// - Parameters:
    ///   - unmanagedRepository: the slug of the repository the action happens in, when
    ///     policy does not manage it (or the host has no policy for it yet): its
    ///     `unmanaged_repo` rules are matched against the slug and decide too.
    ///   - workingDirectory: where relative paths in a shell command start.
    public func decide(_ action: AgentAction, unmanagedRepository: String? = nil, workingDirectory: String = "")
        -> HookDecision
    {
        var subjects = Subjects(
            action: action, home: home, workingDirectory: workingDirectory, catalog: policy.mcpServers)
        var checks = action.surfaces
        if unmanagedRepository != nil { checks.append(.unmanagedRepo) }
        var best: HookDecision.Match?
        for surface in checks {
            let rules = compiled(surface)
            guard !rules.isEmpty else { continue }
            let texts = surface == .unmanagedRepo ? [unmanagedRepository ?? ""] : subjects.texts(for: surface)
            guard !texts.isEmpty else { continue }
            for compiled in rules {
                guard let index = compiled.globs.firstIndex(where: { glob in texts.contains { glob.matches($0) } })
                else { continue }
                let candidate = HookDecision.Match(
                    surface: surface, rule: compiled.rule, pattern: compiled.rule.match[index])
                if best.map({ Self.stronger(candidate, than: $0) }) ?? true { best = candidate }
            }
        }
        guard let best else { return HookDecision(verdict: .pass, match: nil, surface: action.surfaces[0]) }
        return HookDecision(
            verdict: Verdict(applied: best.rule.level, uncapped: best.rule.uncappedLevel), match: best,
            surface: best.surface)
    }

    static func stronger(_ lhs: HookDecision.Match, than rhs: HookDecision.Match) -> Bool {
        if lhs.rule.level != rhs.rule.level { return lhs.rule.level > rhs.rule.level }
        if lhs.rule.uncappedLevel != rhs.rule.uncappedLevel { return lhs.rule.uncappedLevel > rhs.rule.uncappedLevel }
        return (lhs.rule.pack, lhs.rule.id) < (rhs.rule.pack, rhs.rule.id)
    }

    /// The texts patterns are matched against, per surface; the files of a shell command
    /// are found once, when a path surface first asks.
    struct Subjects {
        let action: AgentAction
        let home: String
        let workingDirectory: String
        let catalog: [ApprovedMcpServer]
        var shellPaths: ShellCommandPaths?

        init(action: AgentAction, home: String, workingDirectory: String, catalog: [ApprovedMcpServer]) {
            self.action = action
            self.home = home
            self.workingDirectory = workingDirectory
            self.catalog = catalog
        }

        mutating func texts(for surface: Surface) -> [String] {
            switch (action, surface) {
            case (.shell(let command), .sensitivePathRead), (.shell(let command), .sensitivePathWrite):
                if shellPaths == nil {
                    shellPaths = ShellCommandPaths(command: command, workingDirectory: workingDirectory, home: home)
                }
                let paths = surface == .sensitivePathRead ? shellPaths?.reads ?? [] : shellPaths?.writes ?? []
                return paths.flatMap(pathForms)
            case (.shell(let command), _):
                let whole = ActionEvaluator.collapsingWhitespace(command)
                let parts = ActionEvaluator.commandParts(command).map(ActionEvaluator.collapsingWhitespace)
                return parts.count > 1 ? [whole] + parts : [whole]
            case (.readFiles(let paths), _), (.writeFiles(let paths), _):
                return paths.prefix(ShellCommandPaths.limit).flatMap(pathForms)
            case (.mcpTool(let server, _), .unapprovedMcpServer):
                return !server.isEmpty && catalog.approves(name: server) ? [] : [server]
            case (.mcpTool(let server, let tool), _):
                return ["\(server).\(tool)"]
            case (.fetch(let url), _):
                return WebAddress(url)?.subjects ?? []
            case (.prompt(let text), _):
                // Word by word: a credential is one word; the first 4,096 words are looked at.
                return text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" })
                    .prefix(4096).map(String.init)
            case (.unrecognized(let name), _):
                return [name]
            }
        }

        /// A path, and its `~/` form when it lies under the home directory.
        func pathForms(_ path: String) -> [String] {
            if !home.isEmpty, path.hasPrefix(home + "/") { return [path, "~" + path.dropFirst(home.count)] }
            return [path]
        }
    }

    static func collapsingWhitespace(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).joined(separator: " ")
    }

    /// Sub-commands of a command line joined by `;`, `&&`, `||` or new lines. Pipes stay
    /// together: patterns such as `curl * | sh` speak about them.
    static func commandParts(_ command: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var iterator = Array(command).makeIterator()
        var pending: Character?
        while let character = pending ?? iterator.next() {
            pending = nil
            switch character {
            case ";", "\n":
                parts.append(current)
                current = ""
            case "&", "|":
                let next = iterator.next()
                if next == character {
                    parts.append(current)
                    current = ""
                } else {
                    current.append(character)
                    pending = next
                }
            default:
                current.append(character)
            }
        }
        parts.append(current)
        return parts.filter { part in part.contains { !$0.isWhitespace } }
    }
}
