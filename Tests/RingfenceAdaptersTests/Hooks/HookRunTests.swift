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
        var exitCode: Int32 = 0
        var testDescription: String { fixture }
    }

    static let claude = #"{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"#

    static let cases: [Case] = [
        Case(
            fixture: "claude-code/bash-rm-rf.json",
            stdout: claude
                + #""deny","permissionDecisionReason":"Ringfence shell-baseline RS-1 (risky_shell): Deleting the file system. To ask for an exception in this repository: ringfence workstation request-exception --rule shell-baseline/RS-1 --justification \"why\""}}"#
                + "\n",
            verdict: .block, rule: "RS-1"),
        Case(
            fixture: "claude-code/bash-curl-sh.json",
            stdout: claude
                + #""ask","permissionDecisionReason":"Ringfence shell-baseline RS-2 (risky_shell): Running a script straight from the network. To ask for an exception in this repository: ringfence workstation request-exception --rule shell-baseline/RS-2 --justification \"why\""}}"#
                + "\n",
            verdict: .warn, rule: "RS-2"),
        Case(fixture: "claude-code/bash-ls.json", stdout: "", verdict: .pass, rule: ""),
        Case(
            fixture: "claude-code/read-dotenv.json",
            stdout: claude
                + #""deny","permissionDecisionReason":"Ringfence secrets-baseline SP-1 (sensitive_path_read): Reading dotenv files exposes application secrets. To ask for an exception in this repository: ringfence workstation request-exception --rule secrets-baseline/SP-1 --justification \"why\""}}"#
                + "\n",
            verdict: .block, rule: "SP-1"),
        Case(fixture: "claude-code/mcp-github-delete.json", stdout: "", verdict: .blockCandidate, rule: "MCP-1"),
        Case(fixture: "claude-code/edit.json", stdout: "", verdict: .pass, rule: ""),
        Case(fixture: "cursor/shell-kubectl.json", stdout: #"{"permission":"allow"}"# + "\n", verdict: .pass, rule: ""),
        Case(
            fixture: "cursor/shell-git-status.json", stdout: #"{"permission":"allow"}"# + "\n", verdict: .pass, rule: ""
        ),
        Case(
            fixture: "cursor/shell-curl-sh.json",
            stdout:
                #"{"permission":"ask","user_message":"Ringfence shell-baseline RS-2 (risky_shell): Running a script straight from the network. To ask for an exception in this repository: ringfence workstation request-exception --rule shell-baseline/RS-2 --justification \"why\"","agent_message":"Ringfence shell-baseline RS-2 (risky_shell): Running a script straight from the network. To ask for an exception in this repository: ringfence workstation request-exception --rule shell-baseline/RS-2 --justification \"why\""}"#
                + "\n",
            verdict: .warn, rule: "RS-2"),
        Case(
            fixture: "cursor/read-pem.json", stdout: #"{"permission":"allow"}"# + "\n", verdict: .warnCandidate,
            rule: "SP-3"),
        Case(
            fixture: "cursor/mcp-drop-database.json", stdout: #"{"permission":"allow"}"# + "\n",
            verdict: .blockCandidate, rule: "MCP-1"),
        // Reads through the shell are decided by the sensitive-path rules.
        Case(
            fixture: "claude-code/bash-cat-ssh-key.json",
            stdout: claude
                + #""deny","permissionDecisionReason":"Ringfence secrets-baseline SP-2 (sensitive_path_read): Reading SSH keys or cloud credentials. To ask for an exception in this repository: ringfence workstation request-exception --rule secrets-baseline/SP-2 --justification \"why\""}}"#
                + "\n",
            verdict: .block, rule: "SP-2"),
        Case(
            fixture: "claude-code/write-ssh-config.json",
            stdout: claude
                + #""deny","permissionDecisionReason":"Ringfence secrets-baseline SW-1 (sensitive_path_write): Writing SSH or system configuration. To ask for an exception in this repository: ringfence workstation request-exception --rule secrets-baseline/SW-1 --justification \"why\""}}"#
                + "\n",
            verdict: .block, rule: "SW-1"),
        Case(
            fixture: "claude-code/webfetch-pastebin.json",
            stdout: claude
                + #""ask","permissionDecisionReason":"Ringfence secrets-baseline WF-1 (web_fetch): Fetching from a paste site. To ask for an exception in this repository: ringfence workstation request-exception --rule secrets-baseline/WF-1 --justification \"why\""}}"#
                + "\n",
            verdict: .warn, rule: "WF-1"),
        Case(fixture: "claude-code/todowrite.json", stdout: "", verdict: nil, rule: ""),
        Case(fixture: "claude-code/renamed-tool.json", stdout: "", verdict: .pass, rule: ""),
        // Claude Code: exit status 2 blocks a prompt and shows stderr.
        Case(fixture: "claude-code/prompt-aws-key.json", stdout: "", verdict: .block, rule: "PC-1", exitCode: 2),
        Case(
            fixture: "cursor/tab-read-env.json", stdout: #"{"permission":"deny"}"# + "\n", verdict: .block, rule: "SP-1"
        ),
        Case(
            fixture: "cursor/pretooluse-write-etc.json",
            stdout:
                #"{"permission":"deny","user_message":"Ringfence secrets-baseline SW-1 (sensitive_path_write): Writing SSH or system configuration. To ask for an exception in this repository: ringfence workstation request-exception --rule secrets-baseline/SW-1 --justification \"why\"","agent_message":"Ringfence secrets-baseline SW-1 (sensitive_path_write): Writing SSH or system configuration. To ask for an exception in this repository: ringfence workstation request-exception --rule secrets-baseline/SW-1 --justification \"why\""}"#
                + "\n",
            verdict: .block, rule: "SW-1"),
        Case(
            fixture: "cursor/prompt-token.json",
            stdout:
                #"{"continue":false,"user_message":"Ringfence secrets-baseline PC-1 (prompt_credential): A cloud or GitHub key in a prompt goes to the model provider. To ask for an exception in this repository: ringfence workstation request-exception --rule secrets-baseline/PC-1 --justification \"why\""}"#
                + "\n",
            verdict: .block, rule: "PC-1"),
        Case(fixture: "cursor/unknown-event.json", stdout: #"{"permission":"allow"}"# + "\n", verdict: .pass, rule: ""),
        Case(
            fixture: "copilot/bash-rm-rf.json",
            stdout:
                #"{"permissionDecision":"deny","permissionDecisionReason":"Ringfence shell-baseline RS-1 (risky_shell): Deleting the file system. To ask for an exception in this repository: ringfence workstation request-exception --rule shell-baseline/RS-1 --justification \"why\""}"#
                + "\n",
            verdict: .block, rule: "RS-1"),
        Case(
            fixture: "copilot/view-env.json",
            stdout:
                #"{"permissionDecision":"deny","permissionDecisionReason":"Ringfence secrets-baseline SP-1 (sensitive_path_read): Reading dotenv files exposes application secrets. To ask for an exception in this repository: ringfence workstation request-exception --rule secrets-baseline/SP-1 --justification \"why\""}"#
                + "\n",
            verdict: .block, rule: "SP-1"),
        // Copilot cannot refuse a prompt from a hook: recorded as a candidate.
        Case(fixture: "copilot/prompt-aws-key.json", stdout: "", verdict: .blockCandidate, rule: "PC-1"),
        Case(fixture: "copilot/unknown-tool.json", stdout: "", verdict: .pass, rule: ""),
        Case(
            fixture: "codex/bash-cp-env.json",
            stdout: claude
                + #""deny","permissionDecisionReason":"Ringfence secrets-baseline SP-1 (sensitive_path_read): Reading dotenv files exposes application secrets. To ask for an exception in this repository: ringfence workstation request-exception --rule secrets-baseline/SP-1 --justification \"why\""}}"#
                + "\n",
            verdict: .block, rule: "SP-1"),
        Case(
            fixture: "codex/apply-patch-etc.json",
            stdout: claude
                + #""deny","permissionDecisionReason":"Ringfence secrets-baseline SW-1 (sensitive_path_write): Writing SSH or system configuration. To ask for an exception in this repository: ringfence workstation request-exception --rule secrets-baseline/SW-1 --justification \"why\""}}"#
                + "\n",
            verdict: .block, rule: "SW-1"),
        // Codex cannot ask: a warned MCP call goes ahead as a warn-candidate.
        Case(fixture: "codex/mcp-execute-sql.json", stdout: "", verdict: .warnCandidate, rule: "MCP-2"),
        Case(
            fixture: "gemini-cli/shell-curl-upload-env.json",
            stdout:
                #"{"decision":"deny","reason":"Ringfence secrets-baseline SP-1 (sensitive_path_read): Reading dotenv files exposes application secrets. To ask for an exception in this repository: ringfence workstation request-exception --rule secrets-baseline/SP-1 --justification \"why\""}"#
                + "\n",
            verdict: .block, rule: "SP-1"),
        Case(
            fixture: "gemini-cli/read-aws-credentials.json",
            stdout:
                #"{"decision":"deny","reason":"Ringfence secrets-baseline SP-2 (sensitive_path_read): Reading SSH keys or cloud credentials. To ask for an exception in this repository: ringfence workstation request-exception --rule secrets-baseline/SP-2 --justification \"why\""}"#
                + "\n",
            verdict: .block, rule: "SP-2"),
        Case(fixture: "gemini-cli/prompt-plain.json", stdout: "{}\n", verdict: .pass, rule: ""),
        // Windsurf: exit status 2 and the reason on stderr.
        Case(fixture: "windsurf/run-rm-rf.json", stdout: "", verdict: .block, rule: "RS-1", exitCode: 2),
        Case(fixture: "windsurf/read-env.json", stdout: "", verdict: .block, rule: "SP-1", exitCode: 2),
        Case(fixture: "windsurf/mcp-github-delete.json", stdout: "", verdict: .blockCandidate, rule: "MCP-1"),
        Case(fixture: "windsurf/prompt-aws-key.json", stdout: "", verdict: .block, rule: "PC-1", exitCode: 2),
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

    @Test("a line queued by a hook from before policy revisions still reads, without one")
    func queuedBeforeRevisions() throws {
        let run = try Self.run("claude-code/bash-rm-rf.json", policy: .available(SamplePolicy.policy))
        let line = try JSONEncoder().encode(try #require(run.event))
        var object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: Any])
        #expect(object.removeValue(forKey: "policyRevision") as? Int == 42)
        let old = try JSONDecoder().decode(QueuedEvent.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old.policyRevision == nil)
        #expect(old.ruleID == "RS-1")
    }

    @Test("answers and queued events", arguments: cases)
    func answers(_ testCase: Case) throws {
        let run = try Self.run(testCase.fixture, policy: .available(SamplePolicy.policy))
        #expect(run.answer.stdout == testCase.stdout)
        #expect(run.answer.exitCode == testCase.exitCode)
        #expect((run.answer.exitCode == 2) == !run.answer.stderr.isEmpty, "exit status 2 carries the reason on stderr")
        #expect(run.event?.verdict == testCase.verdict)
        if let event = run.event {
            #expect(event.ruleID == testCase.rule)
            #expect(event.user == "alice")
            #expect(event.policyETag == "etag-sample")
            #expect(event.policyRevision == 42, "the revision of the cached policy")
            #expect(event.agentKind == String(testCase.fixture.prefix { $0 != "/" }))
            #expect(!event.sessionID.isEmpty || ["copilot"].contains(event.agentKind))
            #expect(
                !event.summary.contains("postgresql") && !event.summary.contains("BEGIN")
                    && !event.summary.contains("AKIA") && !event.summary.contains("ghp_"),
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

        let reading = try Self.run(
            "claude-code/bash-cat-ssh-key.json", policy: missing, failClosed: [.sensitivePathRead])
        #expect(reading.event?.verdict == .block, "a command that reads a file is a read")
        #expect(reading.event?.surface == "sensitive_path_read")

        let cursor = try Self.run("cursor/read-pem.json", policy: missing, failClosed: [.sensitivePathRead])
        #expect(cursor.answer.stdout == #"{"permission":"deny"}"# + "\n")
    }

    @Test("only input that is not JSON is refused; a missing field or a malformed name is unrecognized, by name")
    func badInput() throws {
        #expect {
            _ = try HookInvocation(agent: .claudeCode, json: Data("not json".utf8))
        } throws: { error in
            "\(error)".contains("not a JSON object")
        }
        let missing = try HookInvocation(
            agent: .claudeCode, json: Data(#"{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{}}"#.utf8)
        )
        #expect(missing.action == .unrecognized(name: "PreToolUse/Bash without command"))
        let weird = try HookInvocation(
            agent: .claudeCode,
            json: Data(#"{"hook_event_name":"PreToolUse","tool_name":"mcp__weird","tool_input":{}}"#.utf8))
        #expect(weird.action == .unrecognized(name: "PreToolUse/mcp__weird"))
    }

    @Test("input not understood: recorded as unrecognized, decided by the fail mode, or by a stricter rule")
    func unrecognized() throws {
        let open = try Self.run("claude-code/renamed-tool.json", policy: .available(SamplePolicy.policy))
        #expect(open.answer.stdout == "" && open.answer.exitCode == 0)
        #expect(open.event?.surface == "unrecognized")
        #expect(open.event?.summary == "unrecognized: PreToolUse/Shell")
        #expect(open.event?.verdict == .pass)

        let closed = try Self.run(
            "claude-code/renamed-tool.json", policy: .available(SamplePolicy.policy), failClosed: [.riskyShell])
        #expect(closed.answer.stdout.contains(#""permissionDecision":"deny""#))
        #expect(closed.answer.stdout.contains("does not understand this input (PreToolUse/Shell)"))
        #expect(closed.event?.verdict == .block && closed.event?.ruleID == QueuedEvent.failClosedRule)
        #expect(closed.event?.summary == "unrecognized: PreToolUse/Shell")

        // A rule can make it stricter than the fail mode (warn while failing open), never looser.
        var policy = SamplePolicy.policy
        policy.surfaces.append(
            .init(
                surface: .unrecognized, level: .warn, uncappedLevel: .warn,
                rules: [SamplePolicy.rule("support", "UN-1", ["PreToolUse/*"], .warn)]))
        let warned = try Self.run("claude-code/renamed-tool.json", policy: .available(policy))
        #expect(warned.event?.verdict == .warn && warned.event?.ruleID == "UN-1")
        policy.surfaces[policy.surfaces.count - 1].rules[0].level = .observe
        let observed = try Self.run("claude-code/renamed-tool.json", policy: .available(policy), failClosed: [.mcpTool])
        #expect(observed.event?.verdict == .block, "an observe rule does not open a fail-closed hook")

        // An event Claude Code's protocol does not know: blocked with exit status 2, not a PreToolUse answer.
        let event = HookRun(
            invocation: try HookInvocation(
                agent: .claudeCode, json: Data(#"{"hook_event_name":"PreCommit","session_id":"s"}"#.utf8)),
            policy: .available(SamplePolicy.policy), failClosed: [.riskyShell], home: "/h", user: "u", eventID: "e",
            now: 0)
        #expect(event.answer.exitCode == 2 && event.answer.stdout.isEmpty)
        #expect(event.event?.summary == "unrecognized: PreCommit")

        // Not JSON at all: exit status 2 when failing closed (every agent's block), else nothing.
        let invocation = HookInvocation.unreadable(agent: .cursor, reason: "hook input is not a JSON object")
        let refused = HookRun(
            invocation: invocation, policy: .available(SamplePolicy.policy), failClosed: [.riskyShell], home: "/h",
            user: "u", eventID: "e", now: 0)
        #expect(refused.answer.exitCode == 2 && refused.answer.stderr.contains("does not understand"))
        #expect(refused.event?.surface == "unrecognized" && refused.event?.agentKind == "cursor")
    }

    @Test("a relative read path is taken from the agent's working directory")
    func relative() throws {
        let json =
            #"{"hook_event_name":"PreToolUse","cwd":"/home/alice/src/api","tool_name":"Read","tool_input":{"file_path":"./.env"}}"#
        let invocation = try HookInvocation(agent: .claudeCode, json: Data(json.utf8))
        #expect(invocation.action == .readFile(path: "/home/alice/src/api/.env"))
    }
}
