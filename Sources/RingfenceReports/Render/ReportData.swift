import Foundation
import RingfenceCore

/// Renders a `GroupWeekReport` as JSON (every field, keys sorted, ISO 8601 dates) and as
/// CSV (one row per figure: section, key, sub-key, value), with the same numbers as the
/// Markdown and HTML forms.
public enum ReportData {
    public static func json(_ report: GroupWeekReport) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(report)
    }

    public static func csv(_ report: GroupWeekReport) -> String {
        var lines = ["section,key,subkey,value"]
        func add(_ section: String, _ key: String, _ subkey: String, _ value: String) {
            lines.append([section, key, subkey, value].map(field).joined(separator: ","))
        }
        let c = report.coverage
        for (key, value) in [
            ("members", c.members), ("hosts_connected", c.hostsConnected), ("hosts_stale", c.hostsStale),
            ("hosts_silent", c.hostsSilent), ("hosts_drifted", c.hostsDrifted), ("missing_members", c.missingMembers),
        ] {
            add("coverage", key, "", "\(value)")
        }
        for (name, counts) in [
            ("installer_version", c.installerVersions), ("hook_state", c.hookStates), ("agent", c.agents),
            ("mcp_server", c.mcpServers), ("mcp_approval", c.mcpApproval), ("drifted_file", c.driftedFiles),
        ] {
            for key in counts.keys.sorted() { add(name, key, "", "\(counts[key] ?? 0)") }
        }
        if let last = report.previousCoverage {
            add("previous_coverage", "members", "", "\(last.members)")
            add("previous_coverage", "hosts_connected", "", "\(last.hostsConnected)")
            add("previous_coverage", "missing_members", "", "\(last.missingMembers)")
        }
        for surface in report.volume.bySurface.keys.sorted() {
            for verdict in GroupWeekReport.verdicts {
                add("volume", surface, verdict, "\(report.volume.bySurface[surface]?[verdict] ?? 0)")
            }
        }
        for rule in report.noisyRules {
            add("noisy_rule", "\(rule.pack)/\(rule.ruleID)", "candidates", "\(rule.candidates)")
            add("noisy_rule", "\(rule.pack)/\(rule.ruleID)", "users_hit", "\(rule.usersHit)")
            if let description = rule.description {
                add("noisy_rule", "\(rule.pack)/\(rule.ruleID)", "description", description)
            }
        }
        for input in report.unrecognizedInputs ?? [] {
            let name = "\(input.agent) \(input.agentVersion.isEmpty ? "" : input.agentVersion + " ")\(input.name)"
            add("unrecognized_input", name, "events", "\(input.events)")
            add("unrecognized_input", name, "users", "\(input.sources)")
        }
        if let names = report.names {
            add("people", "active_members", "", "\(names.activeMembers)")
            for ring in names.memberRings.keys.sorted() {
                add("member_ring", ring, "", "\(names.memberRings[ring] ?? 0)")
            }
            for member in names.missingMembers { add("missing_member", member, "", "") }
            for host in names.staleHosts {
                add(
                    "stale_host", host.hostname, host.users.joined(separator: " "),
                    host.lastHeartbeat?.formatted(.iso8601) ?? "never")
            }
            for host in names.driftedHosts {
                add("drifted_host", host.hostname, host.users.joined(separator: " "), host.files.joined(separator: " "))
            }
        }
        for note in report.revisionNotes ?? [] {
            add("revision", "\(note.revision)", note.by, note.comment ?? "")
        }
        for event in report.rollout ?? [] {
            add("rollout", event.kind.rawValue, event.at.formatted(.iso8601), event.headline)
        }
        for hold in report.holds ?? [] {
            add("hold", "\(hold.pack)/\(hold.rule)", hold.level.rawValue, hold.id)
        }
        if let next = report.nextRing {
            add("next_ring", "to_ring", "", "\(next.toRing)")
            add("next_ring", "newly_blocked", "", "\(next.newlyBlocked)")
            add("next_ring", "newly_warned", "", "\(next.newlyWarned)")
            add("next_ring", "people", "", "\(next.people)")
            add("next_ring", "repos", "", "\(next.repos)")
            for person in next.affected ?? [] {
                add("next_ring_person", person.user, "newly_blocked", "\(person.newlyBlocked)")
                add("next_ring_person", person.user, "newly_warned", "\(person.newlyWarned)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// RFC 4180 field: quoted when it holds a comma, quote or line break. A text that a
    /// spreadsheet would run as a formula — starting with `=`, `+`, `-`, `@`, tab, carriage
    /// return or NUL (OWASP ASVS 5.0, 1.2.10) — gets a leading `'`, which spreadsheets read
    /// as "this is text". Names of MCP servers, files and rules come from agents and policy
    /// authors; managers open these files. Numbers (`-3`) are left as they are.
    static func field(_ text: String) -> String {
        var text = text
        if let first = text.unicodeScalars.first, formulaTriggers.contains(first), Double(text) == nil {
            text = "'" + text
        }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// First characters that make a spreadsheet evaluate a cell.
    static let formulaTriggers: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r", "\0"]
}
