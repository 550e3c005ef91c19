import Foundation
import PostgresNIO
import RingfenceAdapters
import RingfenceCore
import RingfenceStore
import RingfenceTestSupport
import RingfenceWorkstation
import Testing

@testable import ringfence

/// The workstation side end to end, every step a real `ringfence` process against a real
/// `ringfence serve` and PostgreSQL: enrol, fetch policy and Claude Code's managed file,
/// heartbeat, tamper with the file (drift), run the hook on recorded agent inputs, send
/// the queued events.
@Suite(
    "ringfence workstation and hook as processes",
    .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct WorkstationFlowTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("RingfenceAdaptersTests/Fixtures/hooks")

    static func driftedFiles(_ client: PostgresClient) async throws -> [String] {
        var result: [String] = []
        for try await files in try await client.query("SELECT drifted_files FROM hosts").decode([String].self) {
            result += files
        }
        return result
    }

    @Test("enrol, fetch, heartbeat, drift, hook decisions and queued events reach PostgreSQL")
    func workstation() async throws {
        try await TestServers.withMigratedDatabase { client, database in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rf-ws-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let cache = folder.appendingPathComponent("cache").path
            let install = folder.appendingPathComponent("etc-claude-code").path
            let served = try await ExamplePolicyServer.start(
                client: client, database: database, folder: folder, environment: ["RINGFENCE_LOG_LEVEL": "trace"])
            defer { served.stop() }
            let ringfence = served.ringfence
            let token = served.token
            let log = served.log
            let common = served.workstationOptions(cache: cache)

            try ringfence.run(["workstation", "enrol", "--token", token, "--machine-id", "ws-1"] + common)
            let identity = try FileManager.default.attributesOfItem(atPath: cache + "/identity.json")
            #expect(
                (identity[.posixPermissions] as? Int) == 0o600, "the API key is readable by the service account only")
            let fetched = try ringfence.run(
                ["workstation", "fetch", "--agent", "claude-code", "--install-dir", install] + common)
            #expect(fetched.contains("managed-settings.d/ringfence.json"))
            let settings = try String(contentsOfFile: install + "/managed-settings.d/ringfence.json", encoding: .utf8)
            #expect(settings.contains("ringfence-hook --agent claude-code"))

            try ringfence.run(["workstation", "heartbeat"] + common)
            #expect(try await Self.driftedFiles(client) == [])
            try Data((settings + " ").utf8).write(
                to: URL(fileURLWithPath: install + "/managed-settings.d/ringfence.json"))
            try ringfence.run(["workstation", "heartbeat"] + common)
            #expect(try await Self.driftedFiles(client) == ["claude-code/managed-settings.d/ringfence.json"])
            #expect(
                try ringfence.run(["fleet", "--hosts"]).contains(
                    "drifted claude-code/managed-settings.d/ringfence.json"))
            try ringfence.run(["workstation", "fetch", "--agent", "claude-code", "--install-dir", install] + common)
            try ringfence.run(["workstation", "heartbeat"] + common)
            #expect(try await Self.driftedFiles(client) == [], "fetching again restores the file")

            // The hook answers exactly what the library decides from the cached policy.
            let policy = try JSONDecoder().decode(
                AgentPolicy.self, from: Data(contentsOf: URL(fileURLWithPath: cache + "/policy.json")))
            #expect(policy.user == "bob")
            #expect(policy.ring == 4, "security maps to ring 4")
            let inputs = [
                "bash-rm-rf.json", "bash-curl-sh.json", "bash-ls.json", "read-dotenv.json", "mcp-github-delete.json",
                "edit.json",
            ]
            var expectedVerdicts: [String] = []
            for name in inputs {
                let input = try Data(contentsOf: Self.fixtures.appendingPathComponent("claude-code/" + name))
                let result = try ringfence.run(["hook", "--agent", "claude-code", "--cache", cache], input: input)
                let invocation = try HookInvocation(agent: .claudeCode, json: input)
                let expected = HookRun(
                    invocation: invocation, policy: .available(policy), failClosed: [], home: "/home/bob", user: "bob",
                    eventID: "x", now: 0)
                #expect(result.status == 0, "\(name): \(result.stderr)")
                #expect(result.stdout == expected.answer.stdout, "\(name)")
                if let event = expected.event { expectedVerdicts.append(event.verdict.rawValue) }
            }
            #expect(expectedVerdicts.contains("block"), "ring 4 blocks rm -rf")
            // ringfence-hook, the small executable, answers the same.
            let hook = try RingfenceExecutable(
                environment: ["HOME": "/home/bob", "USER": "bob"], name: "ringfence-hook")
            let rmrf = try Data(contentsOf: Self.fixtures.appendingPathComponent("claude-code/bash-rm-rf.json"))
            let small = try hook.run(["--agent", "claude-code", "--cache", cache], input: rmrf)
            let big = try ringfence.run(["hook", "--agent", "claude-code", "--cache", cache], input: rmrf)
            #expect(small.status == 0 && small.stdout == big.stdout)
            #expect(small.stdout.contains(#""permissionDecision":"deny""#))
            let usage = try hook.run(["--agent", "vim"], input: rmrf)
            #expect(usage.status == 64, "usage errors exit 64")
            expectedVerdicts += ["block", "block"]
            let queued = try String(contentsOfFile: cache + "/queue/events.jsonl", encoding: .utf8).split(
                separator: "\n")
            let verdicts = try queued.map {
                try JSONDecoder().decode(QueuedEvent.self, from: Data($0.utf8)).verdict.rawValue
            }
            #expect(verdicts == expectedVerdicts, "one event per decided action")

            // Cursor's recorded inputs through the same process, answered in Cursor's protocol.
            for name in [
                "shell-kubectl.json", "shell-git-status.json", "shell-curl-sh.json", "read-pem.json",
                "mcp-drop-database.json",
            ] {
                let input = try Data(contentsOf: Self.fixtures.appendingPathComponent("cursor/" + name))
                let result = try ringfence.run(["hook", "--agent", "cursor", "--cache", cache], input: input)
                let expected = HookRun(
                    invocation: try HookInvocation(agent: .cursor, json: input), policy: .available(policy),
                    failClosed: [],
                    home: "/home/bob", user: "bob", eventID: "x", now: 0)
                #expect(
                    result.status == 0 && result.stdout == expected.answer.stdout, "cursor \(name): \(result.stderr)")
                #expect(result.stdout.hasPrefix(#"{"permission":"#))
                expectedVerdicts.append(expected.event!.verdict.rawValue)
            }
            #expect(expectedVerdicts.contains("block") && expectedVerdicts.contains("warn"))
            let allQueued = try String(contentsOfFile: cache + "/queue/events.jsonl", encoding: .utf8).split(
                separator: "\n")
            #expect(
                try allQueued.map { try JSONDecoder().decode(QueuedEvent.self, from: Data($0.utf8)).agentKind }.filter {
                    $0 == "cursor"
                }.count == 5)

            // Every other agent's recorded inputs, and input of a changed surface (a renamed
            // tool, an unknown event), through the same process: exit status, stdout and
            // stderr exactly as the library answers.
            for (agent, name) in [
                (AgentKind.copilot, "bash-rm-rf.json"), (.codex, "bash-cp-env.json"),
                (.geminiCLI, "read-aws-credentials.json"), (.windsurf, "run-rm-rf.json"),
                (.claudeCode, "renamed-tool.json"), (.cursor, "unknown-event.json"),
            ] {
                let input = try Data(contentsOf: Self.fixtures.appendingPathComponent("\(agent.rawValue)/\(name)"))
                let result = try ringfence.run(["hook", "--agent", agent.rawValue, "--cache", cache], input: input)
                let expected = HookRun(
                    invocation: try HookInvocation(agent: agent, json: input), policy: .available(policy),
                    failClosed: [], home: "/home/bob", user: "bob", eventID: "x", now: 0)
                #expect(result.status == expected.answer.exitCode, "\(agent) \(name)")
                #expect(result.stdout == expected.answer.stdout, "\(agent) \(name)")
                #expect(result.stderr == expected.answer.stderr, "\(agent) \(name)")
                expectedVerdicts.append(expected.event!.verdict.rawValue)
            }

            let sent = try ringfence.run(["workstation", "send"] + common)
            #expect(
                sent.contains("sent \(expectedVerdicts.count) event(s): \(expectedVerdicts.count) stored"), "\(sent)")
            var stored: [String] = []
            for try await verdict in try await client.query("SELECT verdict FROM audit_events ORDER BY occurred_at")
                .decode(String.self)
            {
                stored.append(verdict)
            }
            #expect(stored.sorted() == expectedVerdicts.sorted())
            var unrecognized: [(String, String)] = []
            for try await row in try await client.query(
                "SELECT agent_kind, summary FROM audit_events WHERE surface = 'unrecognized' ORDER BY 1"
            ).decode((String, String).self) {
                unrecognized.append(row)
            }
            #expect(unrecognized.map(\.0) == ["claude-code", "cursor"])
            #expect(unrecognized.map(\.1) == ["unrecognized: PreToolUse/Shell", "unrecognized: beforeFileDelete"])
            let fleet = try ringfence.run(["fleet"])
            #expect(fleet.contains("not understood: 2 events in 7 days"), "\(fleet)")
            #expect(fleet.contains("claude-code  PreToolUse/Shell  1 events on 1 hosts"), "\(fleet)")
            #expect(
                try ringfence.run(["workstation", "send"] + common).contains("sent 0 event(s)"),
                "the queue is empty after sending")

            // No secret in any log, even at trace level: not the enrolment token, not the API
            // key's secret part (its public prefix may appear), not the authorization header.
            let key = try JSONDecoder().decode(
                WorkstationCache.Identity.self,
                from: Data(contentsOf: URL(fileURLWithPath: cache + "/identity.json"))
            ).apiKey
            // rf_<prefix>_<secret>, and the secret may hold "_".
            let secret = String(key.split(separator: "_", maxSplits: 2).last!)
            let serveLog = try String(contentsOf: log, encoding: .utf8)
            #expect(serveLog.contains("host enrolled"), "the log is the server's, at trace level")
            for (name, value) in [
                ("enrolment token", token), ("API key", key), ("API key secret", secret),
                ("authorization header", "Bearer rf_"),
            ] {
                #expect(!serveLog.contains(value), "the serve log holds the \(name)")
            }

            // No cached policy: fail-closed surfaces refuse, others go ahead; unreadable input exits 2 or 0.
            try FileManager.default.removeItem(atPath: cache + "/policy.rfp")
            let ls = try Data(contentsOf: Self.fixtures.appendingPathComponent("claude-code/bash-ls.json"))
            let closed = try ringfence.run(
                ["hook", "--agent", "claude-code", "--cache", cache, "--fail-closed", "risky_shell"], input: ls)
            #expect(closed.status == 0)
            #expect(closed.stdout.contains(#""permissionDecision":"deny""#))
            let open = try ringfence.run(["hook", "--agent", "claude-code", "--cache", cache], input: ls)
            #expect(open.status == 0 && open.stdout.isEmpty)
            #expect(
                try ringfence.run(
                    ["hook", "--agent", "claude-code", "--cache", cache, "--fail-closed", "risky_shell"],
                    input: Data("{".utf8)
                ).status == 2)
            let garbled = try ringfence.run(
                ["hook", "--agent", "claude-code", "--cache", cache], input: Data("{".utf8))
            #expect(garbled.status == 0 && garbled.stdout.isEmpty, "failing open, input not understood goes ahead")
            let queuedGarbled = try String(contentsOfFile: cache + "/queue/events.jsonl", encoding: .utf8)
            #expect(queuedGarbled.contains(#""surface":"unrecognized""#), "and is recorded")
        }
    }
}
