import Foundation

extension Resolution {
    /// The resolution as text for a support engineer: the context, the ring and why,
    /// each surface with its rules and winner, and (when asked) the trace.
    ///
    /// - Parameters:
    ///   - includeTrace: append the trace of every assignment.
    ///   - matchedOnly: in the trace, list only assignments that matched or were shadowed.
    public func explanation(includeTrace: Bool, matchedOnly: Bool = false) -> String {
        var out: [String] = []
        let groups = context.groups.isEmpty ? "none" : context.groups.joined(separator: ", ")
        let roles = snapshot.effectiveRoles(context)
        out.append("Policy for \(context.user.isEmpty ? "(no user)" : context.user)")
        out.append("  groups:   \(groups)")
        out.append("  roles:    \(roles.isEmpty ? "none" : roles.joined(separator: ", "))")
        out.append("  ring:     \(ring) — \(ringSourceExplanation)")
        var location = context.repo.map { "repo \($0)" } ?? "no repository"
        if let trust = context.trust { location += " (\(trust.rawValue))" }
        out.append(
            "  context:  \(location), agent \(context.agent.isEmpty ? "unknown" : context.agent), at \(context.at.formatted(.iso8601))"
        )
        if let repository {
            var facts = "\(repository.trust.rawValue), \(repository.managed ? "managed" : "unmanaged")"
            if let owner = repository.owner { facts += ", owned by \(owner)" }
            out.append("  repo:     \(facts) — \(repository.source)")
        }
        out.append("  revision: \(revision), etag \(etag)")
        out.append("")
        out.append("Surfaces")
        let nameWidth = max(20, surfaces.map(\.surface.rawValue.count).max() ?? 0)
        for surface in surfaces {
            let name = surface.surface.rawValue.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
            var line = "  \(name)  \(surface.level.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0))"
            if surface.uncappedLevel > surface.level {
                let verdict = Verdict(applied: surface.level, uncapped: surface.uncappedLevel)
                line +=
                    "  (\(surface.uncappedLevel.rawValue) without the ring's cap; matches report as \(verdict.rawValue))"
            }
            if let winner = surface.winningAssignment {
                line += "  via \(winner)"
            } else {
                line += "  nothing applies"
            }
            if let floor = surface.decidingFloor { line += ", held up by the \(floor)" }
            out.append(line)
            for rule in surface.rules {
                var ruleLine = "      \(rule.pack)@\(rule.packVersion)/\(rule.rule.id)  \(rule.level.rawValue)"
                if rule.uncappedLevel > rule.level { ruleLine += " (uncapped \(rule.uncappedLevel.rawValue))" }
                ruleLine += "  \(rule.rule.risk.rawValue)"
                ruleLine += "  [\(rule.rule.match.joined(separator: ", "))]  from \(rule.assignment)"
                if let floor = rule.floor { ruleLine += ", raised by the \(floor)" }
                if let adjustment = rule.adjustment {
                    ruleLine +=
                        ", lowered by \(adjustment.id) (\(adjustment.kind.rawValue) by \(adjustment.actor)"
                        + (adjustment.validUntil.map { " until \($0.formatted(.iso8601))" } ?? "") + ")"
                }
                out.append(ruleLine)
            }
        }
        if includeTrace {
            out.append("")
            let lines = traceLines
            let shown = matchedOnly ? lines.filter { $0.outcome == "matched" || $0.outcome == "shadowed" } : lines
            out.append(
                "Trace: \(lines.count) assignments in rank order\(matchedOnly ? ", \(shown.count) matched or shadowed shown" : "")"
            )
            let idWidth = min(40, max(12, shown.map(\.assignment.count).max() ?? 0))
            let rankOf = Dictionary(lines.enumerated().map { ($1.assignment, $0 + 1) }, uniquingKeysWith: { a, _ in a })
            for line in shown {
                var text = "  \(String(rankOf[line.assignment] ?? 0).leftPadded(to: 4)). "
                text += line.assignment.padding(toLength: idWidth, withPad: " ", startingAt: 0)
                text += "  priority \(String(line.priority).leftPadded(to: 5))  "
                text += line.outcome.padding(toLength: 11, withPad: " ", startingAt: 0)
                text += "  \(line.reason)"
                if !line.pack.isEmpty { text += "; pack \(line.pack)@\(line.packVersion)" }
                if !line.wonSurfaces.isEmpty { text += "; decides \(line.wonSurfaces.joined(separator: ", "))" }
                out.append(text)
            }
        }
        return out.joined(separator: "\n")
    }

    private var ringSourceExplanation: String {
        switch ringSource {
        case .hostOverride: "the host's own ring (host override)"
        case .group(let name): "ring mapping of group \(name) (highest priority among the user's groups)"
        case .default: "no ring mapping for the user's groups (default)"
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
