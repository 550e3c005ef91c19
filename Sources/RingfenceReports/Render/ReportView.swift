import Foundation
import RingfenceCore

/// What the report templates read: strings only, already formatted, and the charts as
/// inline SVG. Shared by the Markdown and HTML forms so they show the same numbers.
struct ReportView {
    struct Row {
        var name: String
        var value: String
    }
    struct SurfaceRow {
        var surface: String
        var counts: [String]
        var total: String
    }
    struct RuleRow {
        var rule: String
        /// The rule's description, empty when none.
        var description: String
        var hasDescription: Bool
        var descriptionMarkdown: String
        var surface: String
        var candidates: String
        var users: String
        var example: String
        var exampleMarkdown: String
    }
    var group: String
    var week: String
    var ring: String
    var asOf: String
    var readiness: String
    var members: String
    var covered: String
    var connected: String
    var stale: String
    var silent: String
    var drifted: String
    var driftedFiles: [Row]
    var missing: String
    var installers: [Row]
    var hooks: [Row]
    var agents: [Row]
    var mcp: [Row]
    var mcpApproval: String
    var lastWeek: String
    var verdicts: [String]
    var surfaces: [SurfaceRow]
    var totals: [String]
    var total: String
    var change: String
    var rules: [RuleRow]
    var hasRules: Bool
    struct InputRow {
        var agent: String
        var agentMarkdown: String
        var input: String
        var inputMarkdown: String
        var events: String
        var users: String
    }
    /// Hook input not understood: agent (and version), raw name, events, users.
    var unrecognized: [InputRow]
    var hasUnrecognized: Bool
    var impact: [Row]
    /// The rollout's events of the week and the holds in force, one line each.
    var rollout: [String]
    var holds: [String]
    var hasRollout: Bool
    var revisions: String
    /// Names behind the coverage, the first ``shown`` of each list, and what was left out.
    var missingNames: String
    var staleHosts: [String]
    var driftedHosts: [String]
    var active: String
    var hasNames: Bool
    /// Members by their actual ring, in words.
    var memberRings: String
    /// The people the next ring would stop or warn, most first (the first ``shown``).
    var affected: [String]
    var hasAffected: Bool
    var hasHostNotes: Bool
    var volumeChart: String
    var coverageChart: String
    var trendChart: String

    init(_ report: GroupWeekReport) {
        group = report.group
        week = report.week
        ring = "\(report.ring)"
        asOf = report.asOf.formatted(.iso8601)
        readiness = report.nextRing?.readiness(group: report.group) ?? "\(report.group) is in ring 4, the last ring"
        let coverage = report.coverage
        members = "\(coverage.members)"
        covered = String(format: "%.0f %%", coverage.coveredShare * 100)
        connected = "\(coverage.hostsConnected)"
        stale = "\(coverage.hostsStale)"
        silent = "\(coverage.hostsSilent)"
        drifted = "\(coverage.hostsDrifted)"
        missing = "\(coverage.missingMembers)"
        func rows(_ counts: [String: Int]) -> [Row] {
            counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { Row(name: $0.key, value: "\($0.value)") }
        }
        installers = rows(coverage.installerVersions)
        driftedFiles = rows(coverage.driftedFiles)
        hooks = rows(coverage.hookStates)
        agents = rows(coverage.agents)
        mcp = rows(coverage.mcpServers)
        mcpApproval =
            "\(coverage.mcpApproval["approved"] ?? 0) approved (managed), \(coverage.mcpApproval["unapproved"] ?? 0) unapproved (user or project)"
        if let last = report.previousCoverage {
            lastWeek =
                "The week before: \(last.members) members, \(last.hostsConnected) hosts connected, \(last.missingMembers) members with no host"
        } else {
            lastWeek = "No report was recorded for the week before"
        }
        verdicts = GroupWeekReport.verdicts
        let volume = report.volume
        surfaces = volume.bySurface.keys.sorted().map { surface in
            let counts = volume.bySurface[surface] ?? [:]
            return SurfaceRow(
                surface: surface, counts: GroupWeekReport.verdicts.map { "\(counts[$0] ?? 0)" },
                total: "\(counts.values.reduce(0, +))")
        }
        totals = GroupWeekReport.verdicts.map { "\(volume.count(verdict: $0))" }
        total = "\(volume.total)"
        if let previous = report.previousVolume {
            let delta = volume.total - previous.total
            change = "\(delta >= 0 ? "+" : "")\(delta) events against the week before (\(previous.total))"
        } else {
            change = "no events the week before"
        }
        rules = report.noisyRules.map { rule in
            RuleRow(
                rule: "\(rule.pack)/\(rule.ruleID)", description: rule.description ?? "",
                hasDescription: rule.description != nil,
                descriptionMarkdown: rule.description.map { " — " + Self.markdownCell($0) } ?? "",
                surface: rule.surface, candidates: "\(rule.candidates)",
                users: "\(rule.usersHit) (\(String(format: "%.0f %%", rule.shareOfMembers * 100)))",
                example: rule.example, exampleMarkdown: Self.markdownCell(rule.example))
        }
        hasRules = !rules.isEmpty
        unrecognized = (report.unrecognizedInputs ?? []).map { input in
            let agent = input.agentVersion.isEmpty ? input.agent : "\(input.agent) \(input.agentVersion)"
            return InputRow(
                agent: agent, agentMarkdown: Self.markdownCell(agent), input: input.name,
                inputMarkdown: Self.markdownCell(input.name),
                events: "\(input.events)", users: "\(input.sources)")
        }
        hasUnrecognized = !unrecognized.isEmpty
        if let next = report.nextRing {
            impact =
                [
                    Row(name: "newly blocked", value: "\(next.newlyBlocked)"),
                    Row(name: "newly warned", value: "\(next.newlyWarned)"),
                    Row(name: "people", value: "\(next.people)"), Row(name: "repositories", value: "\(next.repos)"),
                ]
                + next.bySurface.keys.sorted().map { surface in
                    let counts = next.bySurface[surface] ?? [:]
                    return Row(name: surface, value: "\(counts["block"] ?? 0) block, \(counts["warn"] ?? 0) warn")
                }
        } else {
            impact = []
        }
        rollout = (report.rollout ?? []).map { "\($0.at.formatted(.iso8601)): \($0.headline)" }
        holds = (report.holds ?? []).map { hold in
            "\(hold.pack)/\(hold.rule) stays at \(hold.level.rawValue) (\(hold.id), since \((hold.validFrom ?? report.asOf).formatted(.iso8601))): \(hold.reason)"
        }
        hasRollout = !rollout.isEmpty || !holds.isEmpty
        let names = report.names
        missingNames = Self.list((names?.missingMembers ?? []), none: "none")
        staleHosts = Self.first(
            (names?.staleHosts ?? []).map { host in
                "\(host.hostname) (\(host.users.joined(separator: ", "))): "
                    + (host.lastHeartbeat.map { "last heartbeat \($0.formatted(.iso8601))" } ?? "never reported")
            })
        driftedHosts = Self.first(
            (names?.driftedHosts ?? []).map { host in
                "\(host.hostname) (\(host.users.joined(separator: ", "))): \(host.files.joined(separator: ", "))"
            })
        active = names.map { "\($0.activeMembers) of \(report.coverage.members) members had events this week" } ?? ""
        hasNames = names != nil
        memberRings = (names?.memberRings ?? [:]).sorted { $0.key < $1.key }.map { "ring \($0.key): \($0.value)" }
            .joined(separator: ", ")
        hasHostNotes = !staleHosts.isEmpty || !driftedHosts.isEmpty
        affected = Self.first(
            (report.nextRing?.affected ?? []).map { person in
                "\(person.user): \(person.newlyBlocked) newly blocked, \(person.newlyWarned) newly warned"
            })
        hasAffected = !affected.isEmpty
        if let notes = report.revisionNotes, !notes.isEmpty {
            revisions = notes.map { note in
                "\(note.revision) (\(note.by)" + (note.comment.map { ": \($0)" } ?? "") + ")"
            }.joined(separator: "; ")
        } else {
            revisions = report.revisions.isEmpty ? "none" : report.revisions.map { "\($0)" }.joined(separator: ", ")
        }
        volumeChart = ReportCharts.stackedBars(report.volume)
        coverageChart = ReportCharts.coverageDonut(report.coverage)
        trendChart = ReportCharts.trend(
            current: report.volume.total, previous: report.previousVolume?.total, week: report.week)
    }

    /// How many names a page shows per list; CSV and JSON have all.
    static let shown = 10

    /// The first ``shown`` entries, then how many more there are.
    static func first(_ lines: [String]) -> [String] {
        lines.count <= shown
            ? lines : Array(lines.prefix(shown)) + ["… and \(lines.count - shown) more (CSV and JSON list all)"]
    }

    /// Names in one line: the first ``shown``, then how many more.
    static func list(_ names: [String], none: String) -> String {
        if names.isEmpty { return none }
        let head = names.prefix(shown).joined(separator: ", ")
        return names.count <= shown ? head : head + " and \(names.count - shown) more (CSV and JSON list all)"
    }

    /// Text for a Markdown table cell: `|` escaped, line breaks as spaces.
    static func markdownCell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "\r", with: " ")
    }
}
