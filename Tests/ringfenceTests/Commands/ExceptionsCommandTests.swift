import Foundation
import PostgresNIO
import RingfenceStore
import RingfenceTestSupport
import RingfenceWorkstation
import Testing

/// Exception requests end to end, every part real: `ringfence serve`, an enrolled
/// workstation, the hook in two git repositories, and the `exceptions` commands.
@Suite(
    "exception requests", .enabled(if: TestServers.postgresEnabled, Comment(rawValue: TestServers.skipMessage)))
struct ExceptionsCommandTests {
    /// trent owns `security` (bob's group); ines is in `secops`, the approver group; cora is neither.
    static func seedApprovers(_ client: PostgresClient) async throws {
        for (id, user) in [(4, "trent"), (5, "ines")] {
            try await client.query(
                """
                INSERT INTO directory_users (id, dn, username, email)
                VALUES (\(id), \("uid=\(user),ou=people,dc=example,dc=com"), \(user), \("\(user)@example.com"))
                """)
        }
        try await client.query(
            "UPDATE directory_groups SET owners = ARRAY['UID=Trent,OU=People,DC=example,DC=com'] WHERE name = 'security'"
        )
        try await client.query(
            "INSERT INTO directory_groups (id, dn, name) VALUES (5, 'cn=secops,ou=groups,dc=example,dc=com', 'secops')")
        try await client.query("INSERT INTO effective_memberships (user_id, group_id, depth) VALUES (5, 5, 0)")
    }

    @Test(
        "a denial, a request, an approval by the group's owner: the next fetch lets that user through in that repository only, until it ends"
    )
    func lifecycle() async throws {
        try await TestServers.withMigratedDatabase { client, database in
            try await GitTool.withAsyncFolder { folder in
                let infra = folder.appendingPathComponent("infra")
                try GitTool.initialize(infra, origin: "https://github.com/acme/infra.git")
                let tools = folder.appendingPathComponent("tools")
                try GitTool.initialize(tools, origin: "https://github.com/acme/tools.git")
                let served = try await ExamplePolicyServer.start(client: client, database: database, folder: folder)
                defer { served.stop() }
                try await Self.seedApprovers(client)
                let ringfence = served.ringfence
                let cache = folder.appendingPathComponent("cache").path
                let common = served.workstationOptions(cache: cache)
                try ringfence.run(["workstation", "enrol", "--token", served.token, "--machine-id", "ws-exc"] + common)
                let fetch = ["workstation", "fetch", "--agent", "claude-code", "--install-dir", folder.path + "/etc"]

                func refused(in directory: URL) throws -> Bool {
                    let result = try ringfence.run(
                        ["hook", "--agent", "claude-code", "--cache", cache],
                        input: try WorkstationRepositoryTests.deleteProductionNamespace(cwd: directory.path))
                    #expect(result.status == 0, "\(result.stderr)")
                    return result.stdout.contains(#""permissionDecision":"deny""#)
                }
                func revisions() async throws -> Int {
                    for try await count in try await client.query("SELECT count(*)::int FROM policy_revisions").decode(
                        Int.self)
                    {
                        return count
                    }
                    return 0
                }

                // bob (ring 4) is refused kubectl against production in both repositories.
                _ = try refused(in: infra)
                _ = try refused(in: tools)
                try ringfence.run(fetch + common)
                #expect(try refused(in: infra) && refused(in: tools))

                // A critical rule's floor forbids exceptions: refused at once.
                let critical = try ringfence.run(
                    [
                        "exceptions", "request", "--user", "bob", "--rule", "shell-baseline/RS-1", "--repo",
                        "acme/infra", "--justification", "wiping a scratch volume",
                    ], input: Data())
                #expect(critical.status == 1 && critical.stderr.contains("a floor forbids exceptions"), "\(critical)")

                // From the workstation (RequestException), as the hook's message says.
                let ask = [
                    "workstation", "request-exception", "--rule", "shell-baseline/RS-12", "--repo", "acme/infra",
                ]
                let unbound = try ringfence.run(
                    ask + ["--user", "mallory", "--justification", "not my host at all"] + common, input: Data())
                #expect(unbound.status == 1 && unbound.stderr.contains("not bound"), "\(unbound)")
                let forbidden = try ringfence.run(
                    ["workstation", "request-exception", "--rule", "shell-baseline/RS-1", "--repo", "acme/infra"]
                        + ["--user", "bob", "--justification", "wiping a scratch volume"] + common, input: Data())
                #expect(forbidden.status == 1 && forbidden.stderr.contains("a floor forbids"), "\(forbidden)")
                let made = try ringfence.run(
                    ask + [
                        "--user", "bob", "--justification", "rotating the payments namespace during the migration",
                        "--duration", "2h",
                    ] + common)
                let id = try #require(made.split(separator: " ").dropFirst().first.map(String.init))
                #expect(
                    made.hasPrefix("request \(id) for shell-baseline/RS-12 in acme/infra: request \(id) is pending"),
                    "\(made)")
                let again = try ringfence.run(
                    [
                        "exceptions", "request", "--user", "bob", "--rule", "shell-baseline/RS-12", "--repo",
                        "acme/infra", "--justification", "rotating the payments namespace again",
                    ], input: Data())
                #expect(again.status == 1 && again.stderr.contains("already pending"), "\(again)")

                // Nobody approves their own request, nor someone outside the approvers.
                let before = try await revisions()
                let own = try ringfence.run(["exceptions", "approve", id, "--as", "bob"], input: Data())
                #expect(own.status == 1 && own.stderr.contains("their own request"), "\(own)")
                let stranger = try ringfence.run(["exceptions", "approve", id, "--as", "cora"], input: Data())
                #expect(stranger.status == 1 && stranger.stderr.contains("may not decide"), "\(stranger)")
                #expect(try ringfence.run(["exceptions", "show", id]).contains("approvers:     trent"))
                #expect(
                    try ringfence.run(["exceptions", "show", id, "--approver-group", "secops"]).contains(
                        "approvers:     ines, trent"))

                // A denied request changes nothing.
                let other = try ringfence.run([
                    "exceptions", "request", "--user", "bob", "--rule", "shell-baseline/RS-12", "--repo", "acme/tools",
                    "--justification", "cleaning up the tools namespace",
                ])
                let otherID = try #require(other.split(separator: " ").dropFirst().first.map(String.init))
                _ = try ringfence.run([
                    "exceptions", "deny", otherID, "--as", "ines", "--approver-group", "secops", "--comment", "use CI",
                ])
                #expect(try await revisions() == before)
                #expect(try ringfence.run(["exceptions", "list", "--status", "denied"]).contains("acme/tools"))

                // The owner approves: a new revision by trent, linked to the request.
                let approved = try ringfence.run(["exceptions", "approve", id, "--as", "trent", "--comment", "ok"])
                #expect(approved.contains("approved \(id)"), "\(approved)")
                #expect(try await revisions() == before + 1)
                var latest: (String, String)?
                for try await row in try await client.query(
                    "SELECT created_by, comment FROM policy_revisions ORDER BY revision DESC LIMIT 1"
                ).decode((String, String).self) {
                    latest = row
                }
                let revision = try #require(latest)
                #expect(revision.0 == "trent" && revision.1.contains("exception #\(id) approved"), "\(revision)")
                let twice = try ringfence.run(["exceptions", "approve", id, "--as", "trent"], input: Data())
                #expect(twice.status == 1 && twice.stderr.contains("approved, not pending"), "\(twice)")

                // The next fetch lets bob through in acme/infra only.
                try ringfence.run(fetch + common)
                #expect(try refused(in: infra) == false)
                #expect(try refused(in: tools) == true)
                let explained = try ringfence.run([
                    "explain", "--user", "bob", "--repo", "acme/infra", "--groups", "security",
                ])
                #expect(explained.contains("lowered by exception-\(id)"), "\(explained)")

                // It ends (expiry asked for as of three hours later) and the deny returns.
                let expired = try await ExceptionStore(client: client).expire(now: Date().addingTimeInterval(3 * 3_600))
                #expect(expired == [Int64(id)!])
                try ringfence.run(fetch + common)
                #expect(try refused(in: infra) == true)
                #expect(try ringfence.run(["exceptions", "list", "--status", "expired"]).contains("acme/infra"))
            }
        }
    }
}
