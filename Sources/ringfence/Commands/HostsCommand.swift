import ArgumentParser
import Foundation
import RingfenceCore
import RingfenceStore

/// `ringfence hosts`: one host's ring, tags and bound users, changed with history.
struct HostsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hosts",
        abstract: "Show a host; change its ring and tags; bind and unbind the users its agents may act for.",
        discussion: """
            Agents act only for users bound to their host: a FetchPolicy or an event for anyone else is \
            refused (PERMISSION_DENIED). Users are bound by the enrolment token (keys enrol-token --user) \
            or here. A shared host (--any-user true) accepts any directory user. Every change is kept in \
            the host's history with the actor and comment. Servers pick changes up within server.cacheSeconds.
            """,
        subcommands: [Show.self, SetFields.self, Bind.self, Unbind.self, History.self]
    )

    /// The host argument of every subcommand.
    struct HostArgument: ParsableArguments {
        @Argument(help: "Host id (see ringfence fleet --hosts).") var host: String

        func id() throws -> UUID { try KeysCommand.hostID(host) }
    }

    /// `ringfence hosts show HOST`.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ring, tags, bound users and the inventory (agents, MCP servers, repositories) of a host.")
        @OptionGroup var host: HostArgument
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let id = try host.id()
            let (facts, users, inventory) = try await withPostgres(try database.configuration()) { client in
                let fleet = FleetStore(client: client)
                return (
                    try await fleet.policyFacts(hostID: id), try await fleet.boundUsers(hostID: id),
                    try await fleet.inventory(hostID: id)
                )
            }
            guard let facts, let inventory else { throw HostAdministrationError.unknownHost(id) }
            print("host:     \(id.uuidString.lowercased())")
            print("ring:     \(facts.ring.map { String($0.number) } ?? "from its users' groups")")
            print("tags:     \(facts.tags.isEmpty ? "none" : facts.tags.joined(separator: ", "))")
            print("any user: \(facts.anyUser ? "yes (shared host)" : "no")")
            print("users:    \(users.isEmpty ? "none bound" : "")")
            for user in users {
                print("  \(user.user)  bound \(user.boundAt.formatted(.iso8601)) by \(user.boundBy) (\(user.source))")
            }
            for line in Self.lines(inventory) { print(line) }
        }

        /// The inventory as `hosts show` prints it: one line per agent, MCP server and repository.
        static func lines(_ inventory: HostInventory) -> [String] {
            func or(_ text: String, _ fallback: String) -> String { text.isEmpty ? fallback : text }
            var lines = [
                "hostname: \(inventory.hostname) (\(or(inventory.os, "os not reported")) \(inventory.osVersion))",
                "installer: \(or(inventory.installerVersion, "not reported"))"
                    + (inventory.provider.isEmpty ? "" : ", provisioned by \(inventory.provider)"),
                "agents:   \(inventory.agents.isEmpty ? "none reported" : "")",
            ]
            for agent in inventory.agents {
                lines.append(
                    "  \(agent.kind)  \(or(agent.version, "version unknown"))  hook \(agent.hookState)"
                        + (agent.provider.isEmpty ? "" : "  provider \(agent.provider)"))
            }
            lines.append("MCP servers: \(inventory.mcpServers.isEmpty ? "none reported" : "")")
            for server in inventory.mcpServers {
                lines.append(
                    "  \(server.agentKind)  \(server.name)  \(server.scope)  \(server.transport)  \(server.endpoint)")
            }
            lines.append("repositories: \(inventory.repos.isEmpty ? "none reported" : "")")
            for repo in inventory.repos {
                lines.append(
                    "  \(repo.slug)  \(repo.managed ? "managed" : "unmanaged")  last seen \(repo.lastSeen.formatted(.iso8601))"
                )
            }
            return lines
        }
    }

    /// `ringfence hosts set HOST --ring N --tags a,b --any-user true`.
    struct SetFields: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set", abstract: "Change a host's ring, tags or shared flag.")
        @OptionGroup var host: HostArgument
        @Option(help: "Ring 1-4, or 'groups' to let the users' groups decide.") var ring: String?
        @Option(help: "Comma-separated tags replacing the host's tags ('' for none).") var tags: String?
        @Option(name: .customLong("any-user"), help: "true: a shared host any directory user may act on.")
        var anyUser: Bool?
        @Option(help: "Why, for the history.") var comment: String?
        @OptionGroup var actor: ActorOption
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            _ = try ringChange()
            if ring == nil && tags == nil && anyUser == nil {
                throw ValidationError("nothing to change: give --ring, --tags or --any-user")
            }
        }

        func ringChange() throws -> Ring?? {
            guard let ring else { return nil }
            if ring == "groups" { return .some(nil) }
            guard let number = Int(ring), let value = Ring(number: number) else {
                throw ValidationError("--ring: expected 1 to 4 or 'groups', got '\(ring)'")
            }
            return .some(value)
        }

        func run() async throws {
            let id = try host.id()
            let update = FleetStore.HostUpdate(
                ring: try ringChange(), tags: tags.map { ContextOptions.split([$0]) }, anyUser: anyUser)
            let actor = actor.name
            let comment = self.comment
            let changes = try await withPostgres(try database.configuration()) { client in
                try await FleetStore(client: client).update(hostID: id, update, actor: actor, comment: comment)
            }
            if changes.isEmpty { print("nothing changed") }
            for change in changes { print(HostsCommand.line(change)) }
        }
    }

    /// The arguments of `bind` and `unbind`.
    struct BindingArguments: ParsableArguments {
        @OptionGroup var host: HostArgument
        @Argument(help: "Directory user names.") var users: [String]
        @Option(help: "Why, for the history.") var comment: String?
        @OptionGroup var actor: ActorOption
        @OptionGroup var database: DatabaseOptions

        /// Binds or unbinds; returns the users changed and those the mirror does not know.
        func change(bind: Bool) async throws -> (changed: [String], unknown: [String]) {
            let id = try host.id()
            let (users, actor, comment) = (self.users, actor.name, self.comment)
            return try await withPostgres(try database.configuration()) { client in
                let fleet = FleetStore(client: client)
                guard bind else {
                    return (try await fleet.unbind(users: users, hostID: id, actor: actor, comment: comment), [])
                }
                let bound = try await fleet.bind(users: users, hostID: id, actor: actor, comment: comment)
                var unknown: [String] = []
                let directory = DirectoryStore(client: client)
                for user in users where try await directory.facts(user: user.lowercased()) == nil {
                    unknown.append(user)
                }
                return (bound, unknown)
            }
        }
    }

    /// `ringfence hosts bind HOST USER...`.
    struct Bind: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Bind users to a host: its agents may act for them.")
        @OptionGroup var arguments: BindingArguments

        func run() async throws {
            let (bound, unknown) = try await arguments.change(bind: true)
            print("bound: \(bound.isEmpty ? "nobody new" : bound.joined(separator: ", "))")
            if !unknown.isEmpty {
                FileHandle.standardError.write(
                    Data(
                        "warning: not in the directory mirror (yet): \(unknown.joined(separator: ", ")); they resolve with no groups until a sync finds them\n"
                            .utf8))
            }
        }
    }

    /// `ringfence hosts unbind HOST USER...`.
    struct Unbind: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Unbind users from a host.")
        @OptionGroup var arguments: BindingArguments

        func run() async throws {
            let unbound = try await arguments.change(bind: false).changed
            print("unbound: \(unbound.isEmpty ? "nobody (none was bound)" : unbound.joined(separator: ", "))")
        }
    }

    /// `ringfence hosts history HOST`.
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A host's changes: ring, tags and users by admins; installer and hooks by heartbeats.")
        @OptionGroup var host: HostArgument
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let id = try host.id()
            let changes = try await withPostgres(try database.configuration()) { client in
                try await FleetStore(client: client).history(hostID: id)
            }
            if changes.isEmpty { print("no changes recorded") }
            for change in changes { print(HostsCommand.line(change)) }
        }
    }

    static func line(_ change: FleetStore.HostChange) -> String {
        var text =
            "\(change.at.formatted(.iso8601))  \(change.field): \(change.oldValue ?? "-") → \(change.newValue ?? "-")"
        text += "  by \(change.actor ?? "heartbeat")"
        if let comment = change.comment { text += "  (\(comment))" }
        return text
    }
}
