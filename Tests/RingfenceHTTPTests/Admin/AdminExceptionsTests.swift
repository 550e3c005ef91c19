import Foundation
import Hummingbird
import PostgresNIO
import RingfenceCore
import RingfenceStore
import RingfenceTestSupport
import Testing

/// Exception requests and the rollout through the admin API, over real HTTP and
/// PostgreSQL: who sees which request, who may decide it, the decision published with the
/// person as actor.
@Suite(
    "Admin API: exceptions and rollout",
    .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct AdminExceptionsTests {
    /// The example policy published; alice (in `web`, owned by mia) asks twice, carol (in
    /// `mobile`, owned by no one) once.
    static func requests(_ api: AdminAPIHarness) async throws -> (alice: Int64, alice2: Int64, carol: Int64) {
        let published = try await api(
            .post, "/api/v1/policy/publish", json: ["files": try AdminAPIHarness.examplePolicy(), "comment": "start"])
        #expect(published.status == 200)
        let store = ExceptionStore(client: api.client)
        func ask(_ user: String, _ repo: String) async throws -> Int64 {
            try await store.create(
                requester: user, host: nil, pack: "shell-baseline", rule: "RS-12", repo: repo,
                justification: "rotating the cluster credentials", duration: 3_600
            ).id
        }
        return (
            try await ask("alice", "acme/web"), try await ask("alice", "acme/api"), try await ask("carol", "acme/app")
        )
    }

    static func ids(_ answer: AdminAPIHarness.Answer) -> [Int64] {
        answer.items.compactMap { ($0["id"] as? NSNumber)?.int64Value }
    }

    @Test("everyone who reads sees every request; a manager only those they may decide, by list and by URL")
    func reading() async throws {
        try await AdminAPIHarness.withAPI { api in
            let (alice, alice2, carol) = try await Self.requests(api)
            let all = try await api(.get, "/api/v1/exceptions", as: .viewer)
            #expect(all.status == 200 && Self.ids(all) == [carol, alice2, alice])
            let first = try await api(.get, "/api/v1/exceptions?limit=2", as: .operator)
            #expect(Self.ids(first) == [carol, alice2])
            let cursor = try #require(first.json?["nextCursor"] as? String)
            let second = try await api(.get, "/api/v1/exceptions?limit=2&cursor=\(cursor)", as: .operator)
            #expect(Self.ids(second) == [alice] && second.json?["nextCursor"] == nil)
            #expect(Self.ids(try await api(.get, "/api/v1/exceptions?status=approved")) == [])
            #expect(try await api(.get, "/api/v1/exceptions?status=maybe").status == 400)

            let mine = try await api(.get, "/api/v1/exceptions", as: .manager)
            #expect(Self.ids(mine) == [alice2, alice], "mia owns web, not mobile")
            let shown = try await api(.get, "/api/v1/exceptions/\(alice)", as: .manager)
            #expect(shown.status == 200 && shown.json?["mayDecide"] as? Bool == true)
            #expect((shown.json?["approvers"] as? [String]) == ["mia"])
            #expect(try await api(.get, "/api/v1/exceptions/\(carol)", as: .manager).status == 403)
            let viewer = try await api(.get, "/api/v1/exceptions/\(alice)", as: .viewer)
            #expect(viewer.status == 200 && viewer.json?["mayDecide"] as? Bool == false)
            #expect(try await api(.get, "/api/v1/exceptions/999999").status == 404)
        }
    }

    @Test("only an approver decides: the approval is published with the person as actor, a second decision is 409")
    func deciding() async throws {
        try await AdminAPIHarness.withAPI { api in
            let (alice, alice2, carol) = try await Self.requests(api)
            #expect(try await api(.post, "/api/v1/exceptions/\(alice)/approve", as: .viewer, json: [:]).status == 403)
            let notApprover = try await api(.post, "/api/v1/exceptions/\(alice)/approve", as: .operator, json: [:])
            #expect(notApprover.status == 403, "otto owns none of alice's groups")
            #expect(try await api(.post, "/api/v1/exceptions/\(carol)/deny", as: .manager, json: [:]).status == 403)

            let approved = try await api(
                .post, "/api/v1/exceptions/\(alice)/approve", as: .manager, json: ["comment": "until the rotation"])
            #expect(approved.status == 200 && approved.json?["status"] as? String == "approved")
            #expect(approved.json?["decidedBy"] as? String == "mia" && approved.json?["validUntil"] != nil)
            let revision = try #require((approved.json?["revision"] as? NSNumber)?.int64Value)
            var actor: String?
            for try await name in try await api.client.query(
                "SELECT created_by FROM policy_revisions WHERE revision = \(revision)"
            ).decode(String.self) { actor = name }
            #expect(actor == "mia")
            let again = try await api(.post, "/api/v1/exceptions/\(alice)/deny", as: .manager, json: [:])
            #expect(again.status == 409)

            let denied = try await api(
                .post, "/api/v1/exceptions/\(alice2)/deny", as: .manager, json: ["comment": "no"])
            #expect(denied.status == 200 && denied.json?["status"] as? String == "denied")
            #expect(try await api(.post, "/api/v1/exceptions/\(carol)/approve", json: ["comment": 3]).status == 400)
        }
    }

    @Test("the rollout's steps with their decisions and measured gates; not for managers")
    func rollout() async throws {
        try await AdminAPIHarness.withAPI { api in
            let empty = try await api(.get, "/api/v1/rollout", as: .viewer)
            #expect(empty.status == 200 && (empty.json?["steps"] as? [Any])?.isEmpty == true)
            _ = try await Self.requests(api)
            let status = try await api(.get, "/api/v1/rollout", as: .viewer)
            let steps = try #require(status.json?["steps"] as? [[String: Any]])
            #expect(
                steps.map { "\($0["group"] ?? "") → \($0["targetRing"] ?? "")" } == [
                    "contractors → 3", "engineering → 3", "engineering → 4",
                ])
            let engineering = steps[1]
            #expect(engineering["decision"] as? String == "waiting")
            let measured = try #require(engineering["measured"] as? [String: Any])
            #expect(measured["members"] as? Int == 2, "mia and, nested, alice")
            #expect(
                (engineering["gates"] as? [[String: Any]])?.contains { $0["gate"] as? String == "hookedHosts" } == true)
            #expect(try await api(.get, "/api/v1/rollout", as: .manager).status == 403)
        }
    }
}
