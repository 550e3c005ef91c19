import Foundation
import RingfenceCore
import Yams

/// Policy read from YAML files: the bundle, the policy tests, and where everything was written.
public struct LoadedPolicy: Sendable {
    /// Packs, assignments and mappings, validated.
    public var bundle: PolicyBundle
    /// Policy tests found in `expectations:` sections.
    public var expectations: [PolicyExpectation]
    /// Files read, in order.
    public var files: [String]
}

/// Reads policy from YAML (docs/policy.md).
///
/// A policy directory holds `.yaml`/`.yml` files; each file holds one or more documents
/// (`---`), and each document any of the sections `pack` (one pack version), `packs` (a
/// list), `assignments`, `rings`, `roles`, `repositories`, `mcpServers`, `floors`, `rollout` and `expectations`. Files are read in name
/// order. Everything is validated — fields, values and the references between files —
/// and every problem is reported with file, line and field path.
public enum PolicyFiles {
    static let sections = [
        "pack", "packs", "assignments", "rings", "roles", "repositories", "mcpServers", "floors", "rollout",
        "expectations",
    ]

    /// Loads every policy file of a directory (not recursive). Expectations without an
    /// `at` are evaluated at `now`.
    public static func load(directory: URL, now: Date = Date()) throws(PolicyLoadError) -> LoadedPolicy {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        } catch {
            throw PolicyLoadError([
                FileProblem(
                    file: directory.path, line: 0, path: "",
                    message: "cannot read the directory: \(error.localizedDescription)")
            ])
        }
        guard !names.isEmpty else {
            throw PolicyLoadError([
                FileProblem(file: directory.path, line: 0, path: "", message: "no .yaml or .yml files")
            ])
        }
        var sources: [(String, String)] = []
        var errors: [FileProblem] = []
        for name in names {
            let url = directory.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: url.path),
                let text = String(data: data, encoding: .utf8)
            else {
                errors.append(FileProblem(file: name, line: 0, path: "", message: "not readable as UTF-8 text"))
                continue
            }
            sources.append((name, text))
        }
        guard errors.isEmpty else { throw PolicyLoadError(errors) }
        return try parse(sources, now: now)
    }

    /// Parses policy from `(file name, YAML text)` pairs. Pure: expectations without an
    /// `at` are evaluated at `now`.
    public static func parse(_ sources: [(file: String, text: String)], now: Date) throws(PolicyLoadError)
        -> LoadedPolicy
    {
        let sink = YAMLValue.ErrorSink()
        var reader = BundleReader(errors: sink, now: now)
        for (file, text) in sources {
            for document in YAMLValue.documents(text, file: file, errors: sink) {
                reader.read(document: document)
            }
        }
        reader.crossCheck()
        guard sink.errors.isEmpty else { throw PolicyLoadError(sink.errors) }
        return LoadedPolicy(bundle: reader.bundle, expectations: reader.expectations, files: sources.map(\.file))
    }
}

/// Accumulates the sections of all documents into one bundle.
private struct BundleReader {
    let errors: YAMLValue.ErrorSink
    var bundle = PolicyBundle()
    var expectations: [PolicyExpectation] = []
    /// Where each pack version, assignment and assignment pack reference was written.
    var places: [PolicyProblem.Subject: YAMLValue] = [:]

    /// When expectations without `at` are evaluated.
    let now: Date

    init(errors: YAMLValue.ErrorSink, now: Date) {
        self.errors = errors
        self.now = now
    }

    mutating func read(document: YAMLValue) {
        guard
            let sections = document.mapping(allowed: PolicyFiles.sections + ["version", "description", "rules"])
        else { return }
        if let pack = sections["pack"] {
            readPack(document, nameNode: pack)
        } else if let stray = sections["rules"] ?? sections["version"] ?? sections["description"] {
            stray.fail("'version', 'description' and 'rules' belong to a pack; add 'pack: NAME' to this document")
        }
        // With `pack:` at the top, `floors` are the pack's (read with it).
        if sections["pack"] == nil {
            bundle.floors += (sections["floors"]?.list() ?? []).compactMap(readFloor)
        }
        for entry in sections["packs"]?.list() ?? [] { readPack(entry, nameNode: nil) }
        for entry in sections["assignments"]?.list() ?? [] { readAssignment(entry) }
        for entry in sections["rings"]?.list() ?? [] {
            guard let fields = entry.mapping(allowed: ["group", "ring", "priority"]) else { continue }
            guard let group = required(fields, "group", in: entry)?.nonEmptyString(),
                let ring = required(fields, "ring", in: entry)?.ring()
            else { continue }
            bundle.ringMappings.append(RingMapping(group: group, ring: ring, priority: fields["priority"]?.int() ?? 0))
        }
        for entry in sections["roles"]?.list() ?? [] {
            guard let fields = entry.mapping(allowed: ["group", "role"]) else { continue }
            guard let group = required(fields, "group", in: entry)?.nonEmptyString(),
                let role = required(fields, "role", in: entry)?.nonEmptyString()
            else { continue }
            bundle.roleMappings.append(RoleMapping(group: group, role: role))
        }
        for entry in sections["repositories"]?.list() ?? [] {
            guard let fields = entry.mapping(allowed: ["match", "trust", "owner", "managed"]) else { continue }
            guard let match = required(fields, "match", in: entry)?.nonEmptyString(),
                let trust = required(fields, "trust", in: entry)?.choice(RepoTrust.self)
            else { continue }
            let managed = fields["managed"]?.bool()
            if managed == true, trust == .unmanaged {
                fields["managed"]?.fail("trust 'unmanaged' and managed: true contradict each other")
                continue
            }
            bundle.repositories.append(
                RepositoryRule(match: match, trust: trust, owner: fields["owner"]?.nonEmptyString(), managed: managed))
        }
        for entry in sections["mcpServers"]?.list() ?? [] {
            guard let fields = entry.mapping(allowed: ["name", "command", "url"]) else { continue }
            guard let name = required(fields, "name", in: entry)?.nonEmptyString() else { continue }
            let command = fields["command"].map { $0.list { $0.nonEmptyString() } }
            let url = fields["url"]?.nonEmptyString()
            if (command == nil) == (url == nil) {
                entry.fail("an MCP server needs exactly one identity: command (a list of words) or url")
                continue
            }
            if command?.isEmpty == true {
                fields["command"]?.fail("command needs at least the program")
                continue
            }
            if places[.mcpServer(name)] == nil { places[.mcpServer(name)] = fields["name"] }
            bundle.mcpServers.append(ApprovedMcpServer(name: name, command: command, url: url))
        }
        if let node = sections["rollout"] {
            if let first = places[.rollout] {
                node.fail(
                    "the rollout plan is already defined at \(first.file):\(first.line); keep one rollout section")
            } else if let plan = RolloutPlanReader.read(node) {
                places[.rollout] = node
                bundle.rollout = plan
            }
        }
        for entry in sections["expectations"]?.list() ?? [] {
            if let expectation = readExpectation(entry) { expectations.append(expectation) }
        }
    }

    /// A pack version: either the whole document (`pack:` at top level) or an entry of `packs:`.
    mutating func readPack(_ value: YAMLValue, nameNode: YAMLValue?) {
        let keys =
            ["pack", "version", "description", "rules", "floors"]
            + (nameNode == nil ? [] : PolicyFiles.sections.filter { $0 != "pack" && $0 != "floors" })
        guard let fields = value.mapping(allowed: keys) else { return }
        guard let name = required(fields, "pack", in: value)?.nonEmptyString(),
            let version = required(fields, "version", in: value)?.int(in: 1...1_000_000)
        else { return }
        guard isIdentifier(name) else {
            fields["pack"]?.fail("pack names are letters, digits, '-', '_' and '.'")
            return
        }
        var rules: [Rule] = []
        for entry in required(fields, "rules", in: value)?.list() ?? [] {
            guard let rule = readRule(entry) else { continue }
            rules.append(rule)
        }
        let pack = PackVersion(
            pack: name, version: version, description: fields["description"]?.string() ?? "", rules: rules,
            floors: (fields["floors"]?.list() ?? []).compactMap(readFloor))
        if let first = places[.pack(name, version)] {
            fields["version"]?.fail(
                "pack \(name) version \(version) is already defined at \(first.file):\(first.line); publish changes as a new version"
            )
            return
        }
        places[.pack(name, version)] = fields["pack"]
        bundle.packs.append(pack)
    }

    func readRule(_ value: YAMLValue) -> Rule? {
        guard let fields = value.mapping(allowed: ["id", "surface", "match", "level", "risk", "description"]) else {
            return nil
        }
        let id = required(fields, "id", in: value)?.nonEmptyString()
        let surface = required(fields, "surface", in: value)?.surface()
        let match = required(fields, "match", in: value)?.list { $0.nonEmptyString() } ?? []
        if fields["match"] != nil, match.isEmpty { fields["match"]?.fail("a rule needs at least one pattern") }
        var level = required(fields, "level", in: value)?.level()
        if level == .off {
            fields["level"]?.fail(
                "a rule's level is observe, warn or block; use an assignment override to switch rules off")
            level = nil
        }
        let risk = fields["risk"].map { $0.choice(Rule.Risk.self) } ?? .medium
        guard let id, let surface, let level, let risk, !match.isEmpty else { return nil }
        return Rule(
            id: id, surface: surface, match: match, level: level, risk: risk,
            description: fields["description"]?.string() ?? "")
    }

    /// A floor: `{ risk: critical, level: block, fromRing: 3, exceptions: forbidden }`.
    func readFloor(_ value: YAMLValue) -> RiskFloor? {
        guard let fields = value.mapping(allowed: ["risk", "level", "fromRing", "exceptions"]) else { return nil }
        let risk = required(fields, "risk", in: value)?.choice(Rule.Risk.self)
        var level = required(fields, "level", in: value)?.level()
        if level == .off {
            fields["level"]?.fail("a floor's level is observe, warn or block")
            level = nil
        }
        let ring = required(fields, "fromRing", in: value)?.ring()
        let exceptions = fields["exceptions"].map { $0.choice(RiskFloor.Exceptions.self) } ?? .forbidden
        guard let risk, let level, let ring, let exceptions else { return nil }
        return RiskFloor(risk: risk, level: level, fromRing: ring, exceptions: exceptions)
    }

    mutating func readAssignment(_ value: YAMLValue) {
        let keys = [
            "id", "pack", "version", "priority", "selector", "overrides", "validFrom", "validUntil", "description",
        ]
        guard let fields = value.mapping(allowed: keys) else { return }
        guard let id = required(fields, "id", in: value)?.nonEmptyString() else { return }
        let priority = required(fields, "priority", in: value)?.int(in: -1_000_000...1_000_000)
        let pack = fields["pack"]?.nonEmptyString()
        var version = Assignment.PackVersionReference.latest
        if let node = fields["version"] {
            if node.node.scalar?.string == "latest" {
                version = .latest
            } else if let number = node.int(in: 1...1_000_000) {
                version = .exact(number)
            }
            if pack == nil { node.fail("a version needs a pack") }
        }
        let selector = fields["selector"].map(readSelector) ?? Selector()
        var overrides: [Surface: Level] = [:]
        if let node = fields["overrides"], let entries = node.node.mapping {
            for (key, level) in entries {
                let keyValue = YAMLValue(node: key, file: node.file, path: node.path, errors: errors)
                let levelValue = YAMLValue(
                    node: level, file: node.file, path: node.path + "." + (key.scalar?.string ?? "?"), errors: errors)
                if let surface = keyValue.surface(), let level = levelValue.level() { overrides[surface] = level }
            }
        } else if let node = fields["overrides"] {
            node.fail("expected a mapping of surface to level, e.g. { risky_shell: observe }")
        }
        let validFrom = fields["validFrom"]?.date()
        let validUntil = fields["validUntil"]?.date()
        guard let priority else { return }
        if let first = places[.assignment(id)] {
            fields["id"]?.fail("assignment id \(id) is already used at \(first.file):\(first.line)")
            return
        }
        places[.assignment(id)] = fields["id"]
        places[.assignmentPack(id)] = fields["pack"] ?? fields["id"]
        bundle.assignments.append(
            Assignment(
                id: id, pack: pack, version: version, priority: priority, selector: selector, overrides: overrides,
                validFrom: validFrom, validUntil: validUntil, description: fields["description"]?.string() ?? ""))
    }

    func readSelector(_ value: YAMLValue) -> Selector {
        guard let fields = value.mapping(allowed: Selector.Field.allCases.map(\.rawValue) + ["risks"]) else {
            return Selector()
        }
        let repos = fields["repos"]?.list { $0.nonEmptyString() } ?? []
        return Selector(
            groups: fields["groups"]?.list { $0.nonEmptyString() } ?? [],
            roles: fields["roles"]?.list { $0.nonEmptyString() } ?? [],
            hostRings: fields["hostRings"]?.list { $0.ring() } ?? [],
            hostTags: fields["hostTags"]?.list { $0.nonEmptyString() } ?? [],
            repos: repos,
            repoTrust: fields["repoTrust"]?.list { $0.choice(RepoTrust.self) } ?? [],
            agents: fields["agents"]?.list { $0.nonEmptyString() } ?? [],
            surfaces: fields["surfaces"]?.list { $0.surface() } ?? [],
            risks: fields["risks"]?.list { $0.choice(Rule.Risk.self) } ?? [])
    }

    func readExpectation(_ value: YAMLValue) -> PolicyExpectation? {
        guard let fields = value.mapping(allowed: ["name", "context", "expect"]) else { return nil }
        let name = required(fields, "name", in: value)?.nonEmptyString()
        guard let contextNode = required(fields, "context", in: value),
            let context = contextNode.mapping(allowed: [
                "user", "groups", "roles", "hostRing", "hostTags", "repo", "trust", "agent", "surfaces", "at",
            ]),
            let expectNode = required(fields, "expect", in: value),
            let expect = expectNode.mapping(allowed: ["ring", "ringSource", "surfaces", "trace"])
        else { return nil }
        let decision = DecisionContext(
            user: context["user"]?.string() ?? "",
            groups: context["groups"]?.list { $0.nonEmptyString() } ?? [],
            roles: context["roles"]?.list { $0.nonEmptyString() } ?? [],
            hostRing: context["hostRing"]?.ring(),
            hostTags: context["hostTags"]?.list { $0.nonEmptyString() } ?? [],
            repo: context["repo"]?.string(),
            trust: context["trust"]?.choice(RepoTrust.self),
            agent: context["agent"]?.string() ?? "",
            surfaces: context["surfaces"]?.list { $0.surface() } ?? [],
            at: context["at"]?.date() ?? now)
        var surfaces: [Surface: PolicyExpectation.SurfaceExpectation] = [:]
        if let node = expect["surfaces"], let entries = node.node.mapping {
            for (key, body) in entries {
                let keyValue = YAMLValue(node: key, file: node.file, path: node.path, errors: errors)
                let bodyValue = YAMLValue(
                    node: body, file: node.file, path: node.path + "." + (key.scalar?.string ?? "?"), errors: errors)
                guard let surface = keyValue.surface(),
                    let spec = bodyValue.mapping(allowed: ["level", "uncapped", "via", "rules", "floor"])
                else { continue }
                var rules: [String: Level]? = nil
                if let rulesNode = spec["rules"] {
                    rules = [:]
                    for (ruleKey, level) in rulesNode.node.mapping ?? [:] {
                        let levelValue = YAMLValue(
                            node: level, file: node.file, path: rulesNode.path + "." + (ruleKey.scalar?.string ?? "?"),
                            errors: errors)
                        if let name = ruleKey.scalar?.string, let level = levelValue.level() { rules?[name] = level }
                    }
                }
                surfaces[surface] = .init(
                    level: spec["level"]?.level(), uncapped: spec["uncapped"]?.level(),
                    via: spec["via"]?.string(), rules: rules, floor: spec["floor"]?.string())
            }
        }
        var trace: [String: String] = [:]
        for (key, outcome) in expect["trace"]?.node.mapping ?? [:] {
            if let id = key.scalar?.string, let text = outcome.scalar?.string { trace[id] = text }
        }
        guard let name else { return nil }
        return PolicyExpectation(
            name: name, file: value.file, line: value.line, context: decision,
            ring: expect["ring"]?.ring(), ringSource: expect["ringSource"]?.string(),
            surfaces: surfaces, trace: trace)
    }

    /// Reports the bundle's cross-file problems at the place they were written.
    func crossCheck() {
        for problem in bundle.validate() {
            if let place = places[problem.subject] {
                place.fail(problem.message)
            } else {
                errors.errors.append(FileProblem(file: "", line: 0, path: "", message: problem.message))
            }
        }
    }

    func required(_ fields: [String: YAMLValue], _ key: String, in parent: YAMLValue) -> YAMLValue? {
        if let value = fields[key] { return value }
        parent.fail("missing required key '\(key)'")
        return nil
    }

    func isIdentifier(_ name: String) -> Bool {
        name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0) }
    }
}
