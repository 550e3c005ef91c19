import ArgumentParser
import Foundation
import PostgresNIO
import RingfenceHTTP
import RingfenceSCIM
import RingfenceStore

/// `ringfence scim held | release | discard`: the changes the SCIM burst guard held
/// (docs/scim.md, "The burst guard"), listed, applied or dropped by an operator.
struct ScimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scim",
        abstract: "SCIM changes held by the burst guard: list, release (apply) or discard them.",
        subcommands: [Held.self, Release.self, Discard.self])

    struct Held: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List held SCIM changes, oldest first.")
        @Flag(help: "Also the changes already released, discarded or failed.")
        var all = false
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let changes = try await withPostgres(try database.configuration()) { client in
                try await ScimStore(client: client, provider: "").heldChanges(allProviders: true, all: all)
            }
            if changes.isEmpty { print("no held SCIM changes") }
            for change in changes {
                print(
                    "\(change.id)  \(change.status)  \(change.receivedAt.formatted(.iso8601))  \(change.provider)  \(change.method) /\(change.resource)/\(change.resourceID.uuidString.lowercased())  — \(change.reason)"
                )
            }
        }
    }

    /// Ids of held changes, or all of one provider.
    struct Selection: ParsableArguments {
        @Argument(help: "Numbers of held changes (from `ringfence scim held`).")
        var ids: [Int64] = []
        @Option(help: "Every held change of this provider, instead of numbers.")
        var provider: String?
        @Option(help: "Who decides (recorded with the change).")
        var actor: String = ProcessInfo.processInfo.environment["USER"] ?? "operator"

        func validate() throws {
            guard ids.isEmpty != (provider == nil) else { throw ValidationError("give change numbers or --provider") }
        }

        func changes(_ client: PostgresClient) async throws -> [ScimStore.HeldChange] {
            let held = try await ScimStore(client: client, provider: provider ?? "").heldChanges(
                allProviders: provider == nil)
            guard provider == nil else { return held }
            let wanted = Set(ids)
            let found = held.filter { wanted.contains($0.id) }
            let missing = wanted.subtracting(found.map(\.id))
            guard missing.isEmpty else {
                throw ValidationError(
                    "not held (see ringfence scim held): \(missing.sorted().map(String.init).joined(separator: ", "))")
            }
            return found
        }
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply held SCIM changes, in the order they arrived (the guard does not count them).")
        @OptionGroup var selection: Selection
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let failed = try await withPostgres(try database.configuration()) { client in
                var failed = 0
                for held in try await selection.changes(client) {
                    let store = ScimStore(client: client, provider: held.provider)
                    do {
                        _ = try await ScimChange(held: held).apply(to: store)
                        try await store.decide(
                            heldID: held.id, status: "released", by: selection.actor, outcome: "applied")
                        print(
                            "released \(held.id): \(held.method) /\(held.resource)/\(held.resourceID.uuidString.lowercased())"
                        )
                    } catch {
                        failed += 1
                        try await store.decide(
                            heldID: held.id, status: "failed", by: selection.actor, outcome: "\(error)")
                        print("failed \(held.id): \(error)")
                    }
                }
                return failed
            }
            if failed > 0 { throw ExitCode.failure }
        }
    }

    struct Discard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Drop held SCIM changes (the provider's next change of those resources applies as usual).")
        @OptionGroup var selection: Selection
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            try await withPostgres(try database.configuration()) { client in
                for held in try await selection.changes(client) {
                    try await ScimStore(client: client, provider: held.provider).decide(
                        heldID: held.id, status: "discarded", by: selection.actor, outcome: "discarded")
                    print("discarded \(held.id)")
                }
            }
        }
    }
}
