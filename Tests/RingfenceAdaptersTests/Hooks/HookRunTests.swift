import Foundation
import RingfenceCore
import Testing

@testable import RingfenceAdapters

/// Recorded hook inputs of each agent (Fixtures/hooks) against the sample policy: the
/// answer the agent expects and the event queued.
@Suite("Hook runs")
struct HookRunTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var fixture: String
        var stdout: String
        var verdict: Verdict?
        var rule: String
        var testDescription: String { fixture }
    }

    static let claude = #"{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"#

    static let cases: [Case] = [
        Case(
            fixture: "claude-code/bash-rm-rf.json",
            stdout: claude
                + #""deny","permissionDecisionReason":"Ringfence shell-baseline RS-1 (risky_shell): Deleting the file system."}}"#
                + "\n",
            verdict: .block, rule: "RS-1"),
        Case(
            fixture: "claude-code/bash-curl-sh.json",
            stdout: claude
                + #""ask","permissionDecisionReason":"Ringfence shell-baseline RS-2 (risky_shell): Running a script straight from the network."}}"#
                + "\n",
            verdict: .warn, rule: "RS-2"),
        Case(fixture: "claude-code/bash-ls.json", stdout: "", verdict: .pass, rule: ""),
        Case(
            fixture: "claude-code/read-dotenv.json",
            stdout: claude
                + #""deny","permissionDecisionReason":"Ringfence secrets-baseline SP-1 (sensitive_path_read): Reading dotenv files exposes application secrets."}}"#
                + "\n",
            verdict: .block, rule: "SP-1"),
        Case(fixture: "claude-code/mcp-github-delete.json", stdout: "", verdict: .blockCandidate, rule: "MCP-1"),
        Case(fixture: "claude-code/edit.json", stdout: "", verdict: nil, rule: ""),
        Case(fixture: "cursor/shell-kubectl.json", stdout: #"{"permission":"allow"}"# + "\n", verdict: .pass, rule: ""),
        Case(
            fixture: "cursor/shell-git-status.json", stdout: #"{"permission":"allow"}"# + "\n", verdict: .pass, rule: ""
        ),
        Case(
            fixture: "cursor/shell-curl-sh.json",
            stdout:
                #"{"permission":"ask","user_message":"Ringfence shell-baseline RS-2 (risky_shell): Running a script straight from the network.","agent_message":"Ringfence shell-baseline RS-2 (risky_shell): Running a script straight from the network."}"#
                + "\n",
            verdict: .warn, rule: "RS-2"),
        Case(
            fixture: "cursor/read-pem.json", stdout: #"{"permission":"allow"}"# + "\n", verdict: .warnCandidate,
            rule: "SP-3"),
        Case(
            fixture: "cursor/mcp-drop-database.json", stdout: #"{"permission":"allow"}"# + "\n",
            verdict: .blockCandidate, rule: "MCP-1"),
    ]

    static func run(
        _ fixture: String, policy: HookRun.CachedPolicy, failClosed: Set<Surface> = [], repo: String = ""
    ) throws -> HookRun {
        let agent = AgentKind(name: String(fixture.prefix { $0 != "/" }))!
        let invocation = try HookInvocation(agent: agent, json: try Fixtures.data("hooks/" + fixture))
        return HookRun(
            invocation: invocation, policy: policy, failClosed: failClosed, home: "/home/alice", user: "alice-from-env",
            eventID: "e-1", now: 1_795_000_000, repo: repo)
    }

    @Test("in a repository policy does not manage, or one without its own policy yet, unmanaged_repo rules decide too")
    func unmanagedRepository() throws {
        // `ls` alone passes; in an unmanaged repository UR-1 (warn) applies.
        var managed = SamplePolicy.policy
        managed.repository = .init(slug: "acme/api", trust: .internal, managed: true)
        let inManaged = try Self.run("claude-code/bash-ls.json", policy: .available(managed), repo: "acme/api")
        #expect(inManaged.event?.verdict == .pass)

        var unmanaged = SamplePolicy.policy
        unmanaged.repository = .init(slug: "someone/fork", trust: .unmanaged, managed: false)
        let inUnmanaged = try Self.run("claude-code/bash-ls.json", policy: .available(unmanaged), repo: "someone/fork")
        #expect(inUnmanaged.event?.verdict == .warn)
        #expect(inUnmanaged.event?.ruleID == "UR-1")
        #expect(inUnmanaged.event?.surface == "unmanaged_repo")
        #expect(inUnmanaged.event?.repo == "someone/fork")

        // The host's policy for another repository (the fallback) does not make this one managed.
        let notYetFetched = try Self.run("claude-code/bash-ls.json", policy: .available(managed), repo: "acme/new")
        #expect(notYetFetched.event?.ruleID == "UR-1")
        // Outside any repository the surface does not apply.
        #expect(try Self.run("claude-code/bash-ls.json", policy: .available(managed)).event?.verdict == .pass)
        // A stronger rule of the action itself still wins.
        let rm = try Self.run("claude-code/bash-rm-rf.json", policy: .available(unmanaged), repo: "someone/fork")
        #expect(rm.event?.ruleID == "RS-1" && rm.event?.verdict == .block)
    }

    @Test("answers and queued events", arguments: cases)
    func answers(_ testCase: Case) throws {
        let run = try Self.run(testCase.fixture, policy: .available(SamplePolicy.policy))
        #expect(run.answer.stdout == testCase.stdout)
        #expect(run.answer.exitCode == 0)
        #expect(run.event?.verdict == testCase.verdict)
        if let event = run.event {
            #expect(event.ruleID == testCase.rule)
            #expect(event.user == "alice")
            #expect(event.policyETag == "etag-sample")
            #expect(event.agentKind == String(testCase.fixture.prefix { $0 != "/" }))
            #expect(!event.sessionID.isEmpty)
            #expect(
                !event.summary.contains("postgresql") && !event.summary.contains("BEGIN"),
                "no arguments or content in the summary")
        }
    }

    @Test(
        "the kubectl rule of the example packs is not in the sample policy, so the cursor kubectl case passes; with it, it blocks"
    )
    func kubectl() throws {
        var policy = SamplePolicy.policy
        let index = policy.surfaces.firstIndex { $0.surface == .riskyShell }!
        policy.surfaces[index].rules.append(
            SamplePolicy.rule("shell-baseline", "RS-12", ["kubectl * --context prod*"], .block))
        let run = try Self.run("cursor/shell-kubectl.json", policy: .available(policy))
        #expect(run.answer.stdout.hasPrefix(#"{"permission":"deny","user_message":"Ringfence shell-baseline RS-12"#))
        #expect(run.event?.verdict == .block)
        #expect(run.event?.agentVersion == "2.1.46")
        #expect(run.event?.appliedLevel == .block)
    }

    @Test("no cached policy: fail-closed surfaces refuse and record FAIL-CLOSED, the others go ahead")
    func failMode() throws {
        let missing = HookRun.CachedPolicy.unavailable("no cached policy at /var/lib/ringfence/policy.json")
        let closed = try Self.run("claude-code/bash-ls.json", policy: missing, failClosed: [.riskyShell])
        #expect(closed.answer.stdout.contains(#""permissionDecision":"deny""#))
        #expect(closed.answer.stdout.contains("risky_shell fails closed"))
        #expect(closed.event?.verdict == .block)
        #expect(closed.event?.ruleID == QueuedEvent.failClosedRule)
        #expect(closed.event?.user == "alice-from-env")

        let open = try Self.run("claude-code/bash-ls.json", policy: missing, failClosed: [.sensitivePathRead])
        #expect(open.answer.stdout == "")
        #expect(open.event?.verdict == .pass)
        #expect(open.event?.summary.contains("no cached policy") == true)

        let cursor = try Self.run("cursor/read-pem.json", policy: missing, failClosed: [.sensitivePathRead])
        #expect(cursor.answer.stdout == #"{"permission":"deny"}"# + "\n")
    }

    @Test(
        "unreadable inputs are refused with a reason",
        arguments: [
            ("not json", "not a JSON object"),
            (#"{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{}}"#, "no tool_input.command"),
            (
                #"{"hook_event_name":"PreToolUse","tool_name":"mcp__weird","tool_input":{}}"#,
                "is not mcp__<server>__<tool>"
            ),
        ])
    func badInput(json: String, reason: String) {
        #expect {
            _ = try HookInvocation(agent: .claudeCode, json: Data(json.utf8))
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    @Test("a relative read path is taken from the agent's working directory")
    func relative() throws {
        let json =
            #"{"hook_event_name":"PreToolUse","cwd":"/home/alice/src/api","tool_name":"Read","tool_input":{"file_path":"./.env"}}"#
        let invocation = try HookInvocation(agent: .claudeCode, json: Data(json.utf8))
        #expect(invocation.action == .readFile(path: "/home/alice/src/api/.env"))
    }
}
