import Foundation
import RingfenceCore
import Testing

@testable import RingfenceReports

@Suite("ReportHTML")
struct ReportHTMLTests {
    static func report(group: String, example: String) -> GroupWeekReport {
        GroupWeekReport(
            week: "2026-W47", group: group, ring: 2, asOf: Date(timeIntervalSince1970: 1_795_000_000),
            coverage: .init(
                members: 4, hostsConnected: 2, hostsStale: 1, hostsSilent: 0, missingMembers: 1,
                installerVersions: ["1.4.0": 3],
                hookStates: ["installed": 3], agents: ["claude-code 2.0.1": 3], mcpServers: [:]),
            previousCoverage: nil, volume: .init(bySurface: ["risky_shell": ["pass": 5, "block-candidate": 2]]),
            previousVolume: nil,
            noisyRules: [
                .init(
                    pack: "shell-baseline", ruleID: "RS-1", surface: "risky_shell", candidates: 2, usersHit: 1,
                    shareOfMembers: 0.25, example: example)
            ],
            nextRing: nil, revisions: [3])
    }

    @Test("text from the directory and from agents is escaped; the charts are inline SVG")
    func escaping() throws {
        let html = try ReportHTML.render(
            Self.report(group: "<script>alert(1)</script>", example: "cat a | grep \"b\" && rm -rf <x>"))
        #expect(!html.contains("<script>"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("cat a | grep &quot;b&quot; &amp;&amp; rm -rf &lt;x&gt;"))
        #expect(html.components(separatedBy: "<svg").count - 1 == 3)
        #expect(html.contains(#"<title>risky_shell block-candidate: 2</title>"#))
    }

    @Test("the Markdown escapes table pipes in examples")
    func markdownPipes() throws {
        let markdown = try ReportMarkdown.render(Self.report(group: "eng", example: "a | b"))
        #expect(markdown.contains("| shell-baseline/RS-1 | risky_shell | 2 | 1 (25 %) | a \\| b |"))
    }

    @Test("agent surfaces not understood: a table in both forms, escaped; a sentence when there are none")
    func unrecognized() throws {
        var report = Self.report(group: "eng", example: "x")
        #expect(try ReportMarkdown.render(report).contains("Every hook input of the members' agents was understood."))
        report.unrecognizedInputs = [
            UnrecognizedHookInput(
                agent: "cursor", agentVersion: "2.1.46", name: "beforeFileDelete", events: 7, sources: 2),
            UnrecognizedHookInput(
                agent: "claude-code", agentVersion: "", name: "PreToolUse/<Shell|x>", events: 1, sources: 1),
        ]
        let markdown = try ReportMarkdown.render(report)
        #expect(markdown.contains("## Agent surfaces not understood this week"))
        #expect(markdown.contains("| cursor 2.1.46 | beforeFileDelete | 7 | 2 |"))
        #expect(markdown.contains("| claude-code | PreToolUse/<Shell\\|x> | 1 | 1 |"))
        let html = try ReportHTML.render(report)
        #expect(html.contains("<td>PreToolUse/&lt;Shell|x&gt;</td>"))
        #expect(html.contains("<td>cursor 2.1.46</td><td>beforeFileDelete</td><td class=\"n\">7</td>"))
        let data = ReportData.csv(report)
        #expect(data.contains("unrecognized_input"))
    }

    @Test("the rollout's events and the holds in force: a list in every form; a sentence when there are none")
    func rollout() throws {
        var report = Self.report(group: "web", example: "x")
        #expect(
            try ReportMarkdown.render(report).contains(
                "The rollout did nothing for the group this week and no rule is held."))
        let at = Date(timeIntervalSince1970: 1_794_900_000)
        report.rollout = [
            RolloutEvent(id: 1, at: at, kind: .promoted, group: "web", ring: .enforce, actor: "ringfence", detail: ""),
            RolloutEvent(
                id: 2, at: at.addingTimeInterval(60), kind: .ruleHeld, group: "web", ring: .enforce, pack: "secrets",
                rule: "SP-1", holdID: "hold-web-secrets-sp-1", actor: "ringfence", detail: "40 blocks <spike>"),
        ]
        report.holds = [
            RuleAdjustment(
                id: "hold-web-secrets-sp-1", kind: .hold, pack: "secrets", rule: "SP-1", level: .warn, group: "web",
                validFrom: at.addingTimeInterval(60), actor: "ringfence", reason: "40 blocks <spike>")
        ]
        let markdown = try ReportMarkdown.render(report)
        #expect(markdown.contains("- 2026-11-17T07:20:00Z: promoted web to ring 4"), "\(markdown)")
        #expect(
            markdown.contains(
                "- 2026-11-17T07:21:00Z: held secrets/SP-1 for web after its promotion (hold-web-secrets-sp-1)"))
        #expect(
            markdown.contains(
                "- Held: secrets/SP-1 stays at warn (hold-web-secrets-sp-1, since 2026-11-17T07:21:00Z): 40 blocks <spike>"
            ))
        let html = try ReportHTML.render(report)
        #expect(
            html.contains(
                "<li>Held: secrets/SP-1 stays at warn (hold-web-secrets-sp-1, since 2026-11-17T07:21:00Z): 40 blocks &lt;spike&gt;</li>"
            ))
        let data = ReportData.csv(report)
        #expect(data.contains("rollout,promoted,2026-11-17T07:20:00Z,promoted web to ring 4"))
        #expect(data.contains("hold,secrets/SP-1,warn,hold-web-secrets-sp-1"))
    }

    @Test(
        "names behind the figures: the first ten in the page with how many more, all in the CSV; rule descriptions and revision comments"
    )
    func names() throws {
        var report = Self.report(group: "web", example: "x")
        report.noisyRules[0].description = "Wipes <the> disk"
        report.names = GroupWeekReport.Names(
            missingMembers: (1...12).map { "user\(String(format: "%02d", $0))" },
            staleHosts: [
                .init(hostname: "old-mac", users: ["ann"], lastHeartbeat: Date(timeIntervalSince1970: 1_794_900_000)),
                .init(hostname: "never", users: ["ben"], lastHeartbeat: nil),
            ],
            driftedHosts: [
                .init(hostname: "dev-1", users: ["cy"], lastHeartbeat: nil, files: ["claude-code/settings"])
            ],
            activeMembers: 3)
        report.names?.memberRings = ["2": 3, "4": 1]
        report.nextRing = NextRingImpact.Summary(
            fromRing: 2, toRing: 3, newlyWarned: 1, newlyBlocked: 4, people: 2, repos: 1, bySurface: [:], topRule: nil,
            affected: [
                .init(user: "ann", newlyBlocked: 4, newlyWarned: 0),
                .init(user: "ben", newlyBlocked: 0, newlyWarned: 1),
            ])
        report.revisionNotes = [
            .init(revision: 3, by: "ivy", comment: "engineering to ring 3"),
            .init(revision: 4, by: "ringfence", comment: nil),
        ]
        let markdown = try ReportMarkdown.render(report)
        #expect(
            markdown.contains(
                "3 of 4 members had events this week. Members by the ring they are actually in: ring 2: 3, ring 4: 1."),
            "\(markdown)")
        #expect(
            markdown.contains(
                "- Would affect ann: 4 newly blocked, 0 newly warned\n- Would affect ben: 0 newly blocked, 1 newly warned"
            ))
        #expect(
            markdown.contains(
                "Members with no host: user01, user02, user03, user04, user05, user06, user07, user08, user09, user10 and 2 more (CSV and JSON list all)."
            ))
        #expect(markdown.contains("- Stale: old-mac (ann): last heartbeat 2026-11-17T07:20:00Z"))
        #expect(markdown.contains("- Stale: never (ben): never reported"))
        #expect(markdown.contains("- Drifted: dev-1 (cy): claude-code/settings"))
        #expect(markdown.contains("| shell-baseline/RS-1 — Wipes <the> disk | risky_shell |"))
        #expect(markdown.contains("3 (ivy: engineering to ring 3); 4 (ringfence)"))
        let html = try ReportHTML.render(report)
        #expect(html.contains("<td>shell-baseline/RS-1<br><small>Wipes &lt;the&gt; disk</small></td>"))
        #expect(html.contains("<li>Stale: never (ben): never reported</li>"))
        let csv = ReportData.csv(report)
        #expect(csv.contains("missing_member,user12,,"))
        #expect(csv.contains("stale_host,never,ben,never"))
        #expect(csv.contains("drifted_host,dev-1,cy,claude-code/settings"))
        #expect(csv.contains("noisy_rule,shell-baseline/RS-1,description,Wipes <the> disk"))
        #expect(csv.contains("revision,3,ivy,engineering to ring 3"))
        #expect(csv.contains("people,active_members,,3"))
        #expect(csv.contains("member_ring,4,,1"))
        #expect(csv.contains("next_ring_person,ann,newly_blocked,4"))
        #expect(html.contains("<li>Would affect ben: 0 newly blocked, 1 newly warned</li>"))
    }
}
