import Foundation
import GRPCCore
import PostgresNIO
import RingfenceAdapters
import RingfenceCore
import RingfenceProto
import RingfenceServer
import RingfenceStore
import RingfenceTestSupport
import SwiftProtobuf
import Testing

/// FetchPolicy's native files and drift detection through heartbeats, over real gRPC and
/// PostgreSQL.
@Suite(
    "Native configuration and drift",
    .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct NativeConfigTests {
    static func heartbeat(
        _ hostID: String, files: [Ringfence_V1_NativeConfigFile], change: (inout [String: String]) -> Void = { _ in }
    )
        -> Ringfence_V1_HeartbeatRequest
    {
        var request = Ringfence_V1_HeartbeatRequest()
        request.hostID = hostID
        request.inventory.hostname = "m-drift.example.com"
        request.inventory.users = ["bob"]
        var hashes = Dictionary(uniqueKeysWithValues: files.map { ($0.name, $0.sha256) })
        change(&hashes)
        var claude = Ringfence_V1_AgentInstall()
        claude.kind = "claude-code"
        claude.version = "2.0.1"
        claude.hookState = .installed
        claude.managedFiles = hashes.sorted { $0.key < $1.key }.map { name, sha in
            var file = Ringfence_V1_ManagedFile()
            file.name = name
            file.sha256 = sha
            return file
        }
        claude.managedConfigHash = ManagedFiles(hashes.map { ($0.key, $0.value) }).digest
        request.inventory.agents = [claude]
        return request
    }

    @Test(
        "FetchPolicy renders the agent's files from the same resolution; a changed file flags the host at the next heartbeat"
    )
    func nativeFilesAndDrift() async throws {
        try await AgentServiceHarness.run { harness in
            try await harness.withAgentClient { agent in
                let (hostID, key) = try await harness.enroll(machine: "m-drift", agent: agent)
                var fetch = Ringfence_V1_FetchPolicyRequest()
                fetch.hostID = hostID
                fetch.context.user = "bob"
                fetch.context.agentKind = "claude-code"
                fetch.includeNativeConfig = true
                let response = try await agent.fetchPolicy(fetch, metadata: bearer(key))
                let file = try #require(response.nativeFiles.first)
                #expect(response.nativeFiles.count == 1)
                #expect(file.name == "managed-settings.d/ringfence.json")
                #expect(file.agentKind == "claude-code")
                #expect(file.sha256 == NativeFile.sha256Hex(Array(file.content)))
                // The same bytes the adapter makes of the resolver's answer for bob (ai-pilot, ring 3).
                let snapshot = try #require(await harness.snapshots.current)
                let resolution = snapshot.resolve(
                    DecisionContext(user: "bob", groups: ["engineering", "ai-pilot"], agent: "claude-code", at: Date()))
                #expect(resolution.etag == response.etag)
                let expected = ClaudeCodeAdapter.render(AgentPolicy(resolution), options: AdapterOptions())
                #expect(String(decoding: file.content, as: UTF8.self) == expected.files[0].content)
                #expect(String(decoding: file.content, as: UTF8.self).contains("ringfence-hook --agent claude-code"))

                let clean = Self.heartbeat(hostID, files: response.nativeFiles)
                _ = try await agent.heartbeat(clean, metadata: bearer(key))
                var fleet = try await harness.fleet.summary()
                #expect(fleet.hosts.first { $0.id.uuidString.lowercased() == hostID }?.driftedFiles == [])
                #expect(fleet.drifted == 0)

                let tampered = Self.heartbeat(hostID, files: response.nativeFiles) {
                    $0["managed-settings.d/ringfence.json"] = String(repeating: "f", count: 64)
                }
                _ = try await agent.heartbeat(tampered, metadata: bearer(key))
                fleet = try await harness.fleet.summary()
                #expect(
                    fleet.hosts.first { $0.id.uuidString.lowercased() == hostID }?.driftedFiles == [
                        "claude-code/managed-settings.d/ringfence.json"
                    ])
                #expect(fleet.drifted == 1)
                #expect(try await harness.fleet.driftedHosts() == 1)
                let changes = try await harness.client.query(
                    "SELECT new_value FROM host_changes WHERE field = 'drifted_files' AND host_id = \(UUID(uuidString: hostID)!)"
                )
                var recorded: [String?] = []
                for try await value in changes.decode(String?.self) { recorded.append(value) }
                #expect(recorded == ["claude-code/managed-settings.d/ringfence.json"])

                // Restored (or re-fetched): no longer drifted.
                _ = try await agent.heartbeat(clean, metadata: bearer(key))
                #expect(try await harness.fleet.driftedHosts() == 0)

                // Only a digest, and a wrong one: the agent's whole set is flagged.
                var digestOnly = clean
                digestOnly.inventory.agents[0].managedFiles = []
                digestOnly.inventory.agents[0].managedConfigHash = String(repeating: "0", count: 64)
                _ = try await agent.heartbeat(digestOnly, metadata: bearer(key))
                fleet = try await harness.fleet.summary()
                #expect(
                    fleet.hosts.first { $0.id.uuidString.lowercased() == hostID }?.driftedFiles == ["claude-code/*"])
            }
        }
    }

    @Test("native files need a known agent kind; Cursor gets hooks.json, Copilot its settings and hook file")
    func agentKinds() async throws {
        try await AgentServiceHarness.run { harness in
            try await harness.withAgentClient { agent in
                let (hostID, key) = try await harness.enroll(machine: "m-kinds", agent: agent)
                var fetch = Ringfence_V1_FetchPolicyRequest()
                fetch.hostID = hostID
                fetch.context.user = "alice"
                fetch.includeNativeConfig = true
                fetch.context.agentKind = "vim"
                let message = await expectRPCError(.invalidArgument) {
                    _ = try await agent.fetchPolicy(fetch, metadata: bearer(key))
                }
                #expect(message?.contains("claude-code, cursor, copilot") == true)
                fetch.context.agentKind = "Cursor"
                #expect(
                    try await agent.fetchPolicy(fetch, metadata: bearer(key)).nativeFiles.map(\.name) == ["hooks.json"])
                fetch.context.agentKind = "copilot"
                #expect(
                    try await agent.fetchPolicy(fetch, metadata: bearer(key)).nativeFiles.map(\.name) == [
                        "hooks/ringfence.json", "managed-settings.json",
                    ])
                fetch.includeNativeConfig = false
                fetch.context.agentKind = "vim"
                #expect(
                    try await agent.fetchPolicy(fetch, metadata: bearer(key)).nativeFiles.isEmpty,
                    "no files unless asked for")
                let served = try await harness.fleet.servedNativeFiles(hostID: UUID(uuidString: hostID)!)
                #expect(served.keys.sorted() == ["copilot", "cursor"])
            }
        }
    }
}
