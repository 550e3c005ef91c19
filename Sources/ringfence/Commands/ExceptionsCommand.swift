import ArgumentParser
import Foundation
import RingfenceCore
import RingfenceStore

/// `ringfence exceptions request | list | show | approve | deny | expire`: exception
/// requests from the operator's side (docs/operations.md, "Exceptions").
struct ExceptionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exceptions",
        abstract: "Exception requests: make one for a user, list, approve, deny, expire.",
        subcommands: [Request.self, List.self, Show.self, Approve.self, Deny.self, Expire.self])

    /// Who approves besides the owners of the requester's groups.
    struct Approvers: ParsableArguments {
        @Option(
            name: .customLong("approver-group"),
            help: ArgumentHelp(
                "A directory group whose members may approve any request.",
                discussion: "Defaults to $RINGFENCE_APPROVER_GROUP; the owners of the requester's groups always may."))
        var group: String?

        var resolved: String? { group ?? EnvironmentReader.current["RINGFENCE_APPROVER_GROUP"] }
    }

    struct Request: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a request on a user's behalf (developers use `workstation request-exception`).")
        @Option(help: "The directory user it is for.") var user: String
        @Option(help: "The rule, PACK/RULE-ID (as the hook's message names it).") var rule: String
        @Option(help: "The repository slug, owner/name.") var repo: String
        @Option(help: "Why it is needed (10 to 2,000 characters).") var justification: String
        @Option(help: "How long it lasts once approved: 30m, 4h, 2d (5 minutes to 30 days).")
        var duration: TimeSpan = TimeSpan(seconds: 4 * 3_600)
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (pack, ruleID) = try ExceptionsCommand.splitRule(rule)
            let request = try await withPostgres(try database.configuration()) { client in
                try await ExceptionStore(client: client).create(
                    requester: user, host: nil, pack: pack, rule: ruleID, repo: repo, justification: justification,
                    duration: duration.seconds)
            }
            print("request \(request.id) pending: \(pack)/\(ruleID) for \(request.requester) in \(request.repo)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List requests, newest first.")
        @Option(help: "Only requests in this status: pending, approved, denied, expired.")
        var status: ExceptionRequest.Status?
        @Option(help: "At most this many.") var limit: Int = 200
        @OptionGroup var remote: AdminServerOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let requests: [ExceptionRequest]
            if let remote = try remote.client() {
                requests = try await remote.exceptions(status: status, limit: limit)
            } else {
                requests = try await withPostgres(try database.configuration()) { client in
                    try await ExceptionStore(client: client).list(status: status, limit: limit)
                }
            }
            if requests.isEmpty { print("no exception requests") }
            for request in requests { print(ExceptionsCommand.line(request)) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One request, with who may decide it.")
        @Argument(help: "The request number.") var id: Int64
        @OptionGroup var approvers: Approvers
        @OptionGroup var remote: AdminServerOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (request, deciders): (ExceptionRequest, [String])
            if let remote = try remote.client() {
                (request, deciders) = try await remote.exception(id)
            } else {
                (request, deciders) = try await withPostgres(try database.configuration()) { client in
                    let store = ExceptionStore(client: client)
                    let request = try await store.request(id)
                    let found = try await store.approvers(of: request.requester, approverGroup: approvers.resolved)
                    return (request, found.keys.sorted())
                }
            }
            print(ExceptionsCommand.line(request))
            print("  justification: \(request.justification)")
            print("  duration:      \(TimeSpan(seconds: request.duration))")
            if let by = request.decidedBy {
                print("  decided by:    \(by)\(request.comment.map { " — \($0)" } ?? "")")
            }
            if let revision = request.revision { print("  published in:  revision \(revision)") }
            print("  approvers:     \(deciders.joined(separator: ", "))")
        }
    }

    /// The decision options shared by approve and deny.
    struct Decision: ParsableArguments {
        @Argument(help: "The request number.") var id: Int64
        @Option(
            name: .customLong("as"),
            help: "Who decides: a directory user name (recorded as the actor); with --server, the token's person.")
        var actor: String?
        @Option(help: "Why (recorded and mailed).") var comment: String?
        @OptionGroup var approvers: Approvers
        @OptionGroup var remote: AdminServerOptions
        @OptionGroup var database: DatabaseOptions

        /// Decides through the API (`--server`, as the token's person) or the database (as `--as`).
        func decide(
            approve: Bool, _ local: @escaping @Sendable (ExceptionStore, String) async throws -> ExceptionRequest
        ) async throws -> ExceptionRequest {
            if let remote = try remote.client() {
                if actor != nil { throw ValidationError("--as is not used with --server: the token's person decides") }
                return try await remote.decide(id, approve: approve, comment: comment)
            }
            guard let actor else { throw ValidationError("say who decides: --as USER") }
            return try await withPostgres(try database.configuration()) { client in
                try await local(ExceptionStore(client: client), actor)
            }
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a pending request: publishes the exception in a new policy revision.")
        @OptionGroup var decision: Decision

        func run() async throws {
            let (id, comment, group) = (decision.id, decision.comment, decision.approvers.resolved)
            let request = try await decision.decide(approve: true) { store, actor in
                try await store.approve(id, by: actor, comment: comment, approverGroup: group)
            }
            print(
                "approved \(request.id): \(request.pack)/\(request.rule) for \(request.requester) in \(request.repo) until \(request.validUntil?.formatted(.iso8601) ?? "?") (revision \(request.revision ?? 0))"
            )
        }
    }

    struct Deny: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deny a pending request; nothing else changes.")
        @OptionGroup var decision: Decision

        func run() async throws {
            let (id, comment, group) = (decision.id, decision.comment, decision.approvers.resolved)
            let request = try await decision.decide(approve: false) { store, actor in
                try await store.deny(id, by: actor, comment: comment, approverGroup: group)
            }
            print("denied \(request.id)")
        }
    }

    struct Expire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove the exceptions that ended from the policy now (serve does it every minute).")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let ids = try await withPostgres(try database.configuration()) { client in
                try await ExceptionStore(client: client).expire()
            }
            print(ids.isEmpty ? "no exception ended" : "expired: " + ids.map(String.init).joined(separator: ", "))
        }
    }

    static func splitRule(_ text: String) throws -> (String, String) {
        guard let reference = ExceptionRules.ruleReference(text) else {
            throw ValidationError("--rule is PACK/RULE-ID, e.g. shell-baseline/RS-2")
        }
        return (reference.pack, reference.rule)
    }

    static func line(_ request: ExceptionRequest) -> String {
        "\(request.id)  \(request.status.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))  \(request.requestedAt.formatted(.iso8601))  \(request.requester)  \(request.pack)/\(request.rule)  \(request.repo)"
            + (request.validUntil.map { "  until \($0.formatted(.iso8601))" } ?? "")
    }
}

extension ExceptionRequest.Status: ExpressibleByArgument {}
