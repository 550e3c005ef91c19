import Foundation
import PostgresNIO
import RingfenceCore
import RingfenceStore
import RingfenceTestSupport
import Testing

/// The console in a real browser: scripts/console/browse.py drives Debian's headless
/// Chromium through chromium-driver (Selenium) — an admin walks every page and rolls back,
/// a manager sees their group only, no browser console message and no serious axe-core
/// accessibility violation on any page. `RINGFENCE_CONSOLE_SHOTS=DIR` keeps screenshots.
@Suite(
    "Console in headless Chromium",
    .enabled(
        if: (TestServers.postgresEnabled && TestServers.ldapEnabled
            && ProcessInfo.processInfo.environment["RINGFENCE_TEST_PYTHON"] != nil) || TestServers.isCI,
        "set RINGFENCE_TEST_PYTHON, RINGFENCE_TEST_PG_URL and RINGFENCE_TEST_LDAP_URL (scripts/test does)"))
struct ConsoleBrowserTests {
    @Test(
        "an admin walks every page and rolls back; a manager sees only their group and approves a member's exception; no console errors, no serious a11y findings"
    )
    func walk() async throws {
        let python = try #require(ProcessInfo.processInfo.environment["RINGFENCE_TEST_PYTHON"])
        try await ConsoleTests.withConsole { browser, client in
            try await ConsoleTests.publishTwoRevisions(client)
            let host = UUID()
            try await client.query(
                """
                INSERT INTO hosts (id, machine_id, hostname, users, last_heartbeat_at, drifted_files)
                VALUES (\(host), 'm1', 'tess-laptop.example.com', '{tess}', now(), '{}')
                """)
            try await client.query(
                """
                INSERT INTO host_agents (host_id, kind, version, hook_state) VALUES (\(host), 'claude-code', '2.0.1', 'installed')
                """)
            let request = try await ExceptionStore(client: client).create(
                requester: "nora", host: nil, pack: "shell-baseline", rule: "RS-12", repo: "acme/web",
                justification: "rotating the cluster credentials", duration: 3_600)
            let port = browser.port
            let policy = FileManager.default.temporaryDirectory.appendingPathComponent("console-\(UUID()).yaml")
            try ConsoleTests.pastedPolicy { _ in "{ group: ai-pilot, ring: 2, priority: 20 }" }.write(
                to: policy, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: policy) }
            var arguments = [
                TestServers.repositoryRoot.appending(path: "scripts/console/browse.py").path,
                "http://127.0.0.1:\(port)", "tess:tess-secret", "mia:mia-secret", "web", "mobile", "--policy",
                policy.path,
            ]
            if let shots = ProcessInfo.processInfo.environment["RINGFENCE_CONSOLE_SHOTS"] {
                arguments += ["--shots", shots]
            }
            let (status, output) = try await Self.run(python, arguments)
            #expect(status == 0, "\(output)")
            #expect(output.contains("board:") && output.contains("manager-group:"), "\(output)")
            let revisions = try await PolicyStore(client: client).revisions(limit: 3)
            #expect(revisions.map(\.number) == [5, 4, 3])
            #expect(revisions.map(\.createdBy) == ["mia", "tess", "tess"])
            #expect(
                revisions.dropFirst().map(\.comment) == [
                    "published from the console", "rollback to revision 1: rolled back from the console",
                ])
            #expect(revisions.first?.comment?.hasPrefix("exception #\(request.id) approved") == true)
            let decided = try await ExceptionStore(client: client).request(request.id)
            #expect(decided.status == .approved && decided.decidedBy == "mia" && decided.revision == 5)
        }
    }

    /// Runs a program to its end without holding a thread (its output through files:
    /// `ChildProcess`); its status and output.
    static func run(_ executable: String, _ arguments: [String]) async throws -> (Int32, String) {
        let result = try await ChildProcess.run(URL(fileURLWithPath: executable), arguments, mergeErrors: true)
        return (result.status, result.stdout)
    }
}
