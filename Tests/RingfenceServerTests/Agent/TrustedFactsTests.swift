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

/// The facts a decision depends on come from the server, never from the agent: whom a host
/// may act for, and how much a repository is trusted.
@Suite("Facts the server trusts", .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct TrustedFactsTests {
    @Test("a user not bound to the host gets PERMISSION_DENIED and their events are refused, until bound")
    func unboundUser() async throws {
        try await AgentServiceHarness.run { harness in
            try await harness.withAgentClient { agent in
                let (hostID, key) = try await harness.enroll(machine: "m-alice", agent: agent, users: ["alice"])
                var fetch = Ringfence_V1_FetchPolicyRequest()
                fetch.hostID = hostID
                fetch.context.user = "bob"
                await expectRPCError(.permissionDenied) {
                    _ = try await agent.fetchPolicy(fetch, metadata: bearer(key))
                }
                fetch.context.user = "ALICE"  // user names compare case-insensitively
                _ = try await agent.fetchPolicy(fetch, metadata: bearer(key))

                var events = Ringfence_V1_ReportEventsRequest()
                events.hostID = hostID
                events.events = [
                    auditEvent("bound-1", user: "alice"), auditEvent("unbound-1", user: "bob"),
                ]
                let report = try await agent.reportEvents(metadata: bearer(key)) { [events] in
                    try await $0.write(events)
                }
                #expect(report.stored == 1)
                #expect(report.rejected.map(\.eventID) == ["unbound-1"])
                #expect(report.rejected.first?.reason == "user 'bob' is not bound to this host")

                let host = try #require(UUID(uuidString: hostID))
                #expect(
                    try await harness.fleet.bind(users: ["Bob"], hostID: host, actor: "admin", comment: "new laptop")
                        == ["bob"])
                fetch.context.user = "bob"
                _ = try await agent.fetchPolicy(fetch, metadata: bearer(key))
                try await harness.fleet.unbind(users: ["bob"], hostID: host, actor: "admin", comment: "left")
                await expectRPCError(.permissionDenied) {
                    _ = try await agent.fetchPolicy(fetch, metadata: bearer(key))
                }
                let history = try await harness.fleet.history(hostID: host).filter { $0.actor != nil }
                #expect(history.map(\.field) == ["user:bob", "user:bob"])
                #expect(history.map(\.newValue) == ["bound", nil])
                #expect(history.map(\.comment) == ["new laptop", "left"])

                let (shared, sharedKey) = try await harness.enroll(
                    machine: "m-build", agent: agent, users: [], anyUser: true)
                fetch.hostID = shared
                _ = try await agent.fetchPolicy(fetch, metadata: bearer(sharedKey))
            }
            let rows = try await harness.client.query("SELECT username FROM audit_events")
            var users: [String] = []
            for try await user in rows.decode(String.self) { users.append(user) }
            #expect(users == ["alice"])
        }
    }

    @Test("a trust the agent states is ignored: the policy's repositories.yaml decides, and the policy is signed")
    func statedTrustIgnored() async throws {
        try await AgentServiceHarness.run { harness in
            try await harness.withAgentClient { agent in
                var enroll = Ringfence_V1_EnrollRequest()
                enroll.enrollmentToken = try await harness.enrollmentToken(users: ["alice"])
                enroll.host.machineID = "m-trust"
                enroll.host.hostname = "m-trust"
                let enrolled = try await agent.enroll(enroll)
                let signingKey = Array(enrolled.policySigningKey)
                #expect(signingKey.count == 32)

                var fetch = Ringfence_V1_FetchPolicyRequest()
                fetch.hostID = enrolled.hostID
                fetch.context.user = "alice"
                fetch.context.repo = "payments/api"  // production in examples/policy/repositories.yaml
                let honest = try await agent.fetchPolicy(fetch, metadata: bearer(enrolled.apiKey))
                fetch.context.repoTrust = .sandbox
                let lying = try await agent.fetchPolicy(fetch, metadata: bearer(enrolled.apiKey))
                #expect(lying.etag == honest.etag)
                #expect(lying.surfaces == honest.surfaces)

                let sealed = SignedPolicy.seal(
                    policy: Array(lying.agentPolicy), signature: Array(lying.agentPolicySignature))
                let policy = try AgentPolicy(binary: try SignedPolicy.open(sealed, publicKey: signingKey))
                #expect(policy.repository == .init(slug: "payments/api", trust: .production, managed: true))
                #expect(policy.etag == honest.etag)
                #expect(policy.user == "alice")

                // The sandbox override would have lowered risky_shell to observe.
                let snapshot = try #require(await harness.snapshots.current)
                let sandbox = snapshot.resolve(
                    DecisionContext(
                        user: "alice", groups: ["engineering"], repo: "payments/api", trust: .sandbox, at: Date()))
                #expect(sandbox.etag != honest.etag)

                // A repository no entry matches is unmanaged.
                fetch.context.repo = "someone/else"
                let unknown = try await agent.fetchPolicy(fetch, metadata: bearer(enrolled.apiKey))
                let unmanaged = try AgentPolicy(binary: Array(unknown.agentPolicy))
                #expect(unmanaged.repository == .init(slug: "someone/else", trust: .unmanaged, managed: false))
            }
        }
    }

    @Test("several repositories in one FetchPolicy: in order, each signed or not modified; over the limit refused")
    func severalRepositories() async throws {
        try await AgentServiceHarness.run { harness in
            try await harness.withAgentClient { agent in
                var enroll = Ringfence_V1_EnrollRequest()
                enroll.enrollmentToken = try await harness.enrollmentToken(users: ["bob"])
                enroll.host.machineID = "m-repos"
                enroll.host.hostname = "m-repos"
                let enrolled = try await agent.enroll(enroll)
                var single = Ringfence_V1_FetchPolicyRequest()
                single.hostID = enrolled.hostID
                single.context.user = "bob"
                single.context.repo = "payments/api"
                let alone = try await agent.fetchPolicy(single, metadata: bearer(enrolled.apiKey))

                var fetch = Ringfence_V1_FetchPolicyRequest()
                fetch.hostID = enrolled.hostID
                fetch.context.user = "bob"
                fetch.repositories = [("payments/api", alone.etag), ("acme/sandbox", ""), ("someone/else", "stale")].map
                {
                    var entry = Ringfence_V1_RepositoryFetch()
                    entry.repo = $0.0
                    entry.ifNoneMatch = $0.1
                    return entry
                }
                let answer = try await agent.fetchPolicy(fetch, metadata: bearer(enrolled.apiKey))
                #expect(answer.repositories.map(\.repo) == ["payments/api", "acme/sandbox", "someone/else"])
                #expect(answer.repositories.map(\.notModified) == [true, false, false])
                #expect(answer.repositories[0].etag == alone.etag && answer.repositories[0].agentPolicy.isEmpty)
                let key = Array(enrolled.policySigningKey)
                for entry in answer.repositories.dropFirst() {
                    let sealed = SignedPolicy.seal(
                        policy: Array(entry.agentPolicy), signature: Array(entry.agentPolicySignature))
                    let policy = try AgentPolicy(binary: try SignedPolicy.open(sealed, publicKey: key))
                    #expect(policy.repository?.slug == entry.repo && policy.etag == entry.etag)
                }
                let sandbox = try AgentPolicy(binary: Array(answer.repositories[1].agentPolicy))
                #expect(sandbox.repository?.trust == .sandbox)
                // Each one equals what a call of its own gives.
                single.context.repo = "acme/sandbox"
                #expect(
                    try await agent.fetchPolicy(single, metadata: bearer(enrolled.apiKey)).etag
                        == answer.repositories[1].etag)

                fetch.repositories = Array(repeating: fetch.repositories[1], count: WireLimits.repositoriesPerFetch + 1)
                await expectRPCError(.invalidArgument) {
                    _ = try await agent.fetchPolicy(fetch, metadata: bearer(enrolled.apiKey))
                }
            }
        }
    }
}
