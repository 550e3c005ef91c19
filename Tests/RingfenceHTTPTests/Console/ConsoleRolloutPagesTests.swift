import Foundation
import Hummingbird
import PostgresNIO
import RingfenceCore
import RingfenceReports
import RingfenceStore
import RingfenceTestSupport
import Testing

/// The console's exception, rollout and group-report pages over real HTTP, slapd binds and
/// PostgreSQL: who is offered to decide, CSRF on decisions, the board's gate status, a
/// group's recorded weeks.
@Suite(
    "Console: exceptions, rollout, group reports",
    .enabled(
        if: TestServers.postgresEnabled && TestServers.ldapEnabled, Comment(rawValue: TestServers.skipMessage)))
struct ConsoleRolloutPagesTests {
    @Test("only an approver is offered the decision; it needs the CSRF token; the decision shows")
    func exceptions() async throws {
        try await ConsoleTests.withConsole { browser, client in
            try await ConsoleTests.publishTwoRevisions(client)
            let request = try await ExceptionStore(client: client).create(
                requester: "nora", host: nil, pack: "shell-baseline", rule: "RS-12", repo: "acme/web",
                justification: "rotating the cluster credentials", duration: 7_200)
            _ = try await browser.signIn("vic", "vic-secret")
            let list = try await browser.go(.get, "/console/exceptions?status=pending")
            #expect(list.status == 200 && list.html.contains("/console/exceptions/\(request.id)"))
            #expect(list.html.contains("shell-baseline/RS-12") && list.html.contains("acme/web"))
            let shown = try await browser.go(.get, "/console/exceptions/\(request.id)")
            #expect(shown.html.contains("May decide: mia") && !shown.html.contains("Approve and publish"))
            #expect(!shown.html.contains("Decided by") && !shown.html.contains("Published in"), "pending: neither yet")
            let csrf = try #require(shown.hidden("csrf"))
            let refused = try await browser.go(
                .post, "/console/exceptions/\(request.id)", form: ["csrf": csrf, "action": "approve"])
            #expect(refused.status == 403, "a viewer decides nothing")

            browser.cookies = [:]
            _ = try await browser.signIn("mia", "mia-secret")
            let offered = try await browser.go(.get, "/console/exceptions/\(request.id)")
            #expect(offered.html.contains("Approve and publish"))
            let token = try #require(offered.hidden("csrf"))
            let forged = try await browser.go(.post, "/console/exceptions/\(request.id)", form: ["action": "deny"])
            #expect(forged.status == 403)
            #expect(try await ExceptionStore(client: client).request(request.id).status == .pending)
            let denied = try await browser.go(
                .post, "/console/exceptions/\(request.id)",
                form: ["csrf": token, "action": "deny", "comment": "use the break-glass account"])
            #expect(denied.status == 303)
            let after = try await browser.go(.get, "/console/exceptions/\(request.id)")
            #expect(after.html.contains("denied") && after.html.contains("use the break-glass account"))
            #expect(!after.html.contains("Approve and publish"), "decided once")
            let decided = try await ExceptionStore(client: client).request(request.id)
            #expect(decided.status == .denied && decided.decidedBy == "mia")
        }
    }

    @Test("the rollout page and the board show each step's decision and measured gates")
    func rollout() async throws {
        try await ConsoleTests.withConsole { browser, client in
            try await ConsoleTests.publishTwoRevisions(client)
            try await client.query(
                "INSERT INTO directory_groups (id, dn, name, owners) VALUES (9, 'cn=contractors,dc=x', 'contractors', '{}')"
            )
            try await client.query("INSERT INTO effective_memberships (user_id, group_id, depth) VALUES (4, 9, 0)")
            _ = try await browser.signIn("vic", "vic-secret")
            let page = try await browser.go(.get, "/console/rollout")
            #expect(page.status == 200 && page.html.contains("contractors</a> → ring 3"))
            #expect(page.html.contains("waiting until 2027-01-11T09:00:00Z"))
            #expect(page.html.contains("<strong>FAIL</strong> group: no directory group engineering"))
            let board = try await browser.go(.get, "/console")
            #expect(board.html.contains("→ ring 3: waiting until 2027-01-11T09:00:00Z"))
            #expect(board.html.contains("coverage 0 %"), "nora has no host")

            browser.cookies = [:]
            _ = try await browser.signIn("mia", "mia-secret")
            #expect(try await browser.go(.get, "/console/rollout").status == 403)
        }
    }

    @Test("a group's page shows its latest recorded week, the past weeks and each member's ring")
    func groupReports() async throws {
        try await ConsoleTests.withConsole { browser, client in
            try await ConsoleTests.publishTwoRevisions(client)
            _ = try await browser.signIn("mia", "mia-secret")
            let before = try await browser.go(.get, "/console/groups/web")
            #expect(before.html.contains("No report was recorded for this group yet"))
            let builder = ReportBuilder(client: client)
            let now = Date()
            let thisWeek = ISOWeek(containing: now)
            // The policy was published this week: last week's row is this week's, relabelled.
            let report = try await builder.build(group: "web", week: thisWeek, now: now)
            var earlier = report
            earlier.week = thisWeek.previous.description
            for recorded in [earlier, report] {
                try await ReportRecords(client: client).record(recorded, formats: ["json"], location: "/tmp")
            }
            let page = try await browser.go(.get, "/console/groups/web")
            #expect(page.status == 200 && page.html.contains("Week \(thisWeek)"))
            #expect(page.html.contains("<td>\(thisWeek.previous)</td>"), "the past weeks")
            #expect(page.html.contains("Members with no host: nora"))
            #expect(page.html.contains("<td>nora</td><td>"))
            #expect(try await browser.go(.get, "/console/groups/mobile").status == 403)
        }
    }
}
