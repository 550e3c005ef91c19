import ArgumentParser
import Foundation
import RingfenceAdminAPI
import RingfenceCore
import RingfenceServer
import RingfenceStore

/// `ringfence rollout`: the rollout plan of the policy in force (`rollout:` in the policy
/// files) — every step's gates with their numbers, a round carried out now, what the
/// rollout did, and releasing a rule's hold (docs/operations.md).
struct RolloutCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollout",
        abstract: "Rollout plan: gates of every step, promotions, holds.",
        subcommands: [Status.self, Run.self, History.self, Release.self, Demote.self],
        defaultSubcommand: Status.self
    )

    /// `rollout status`: every step, its decision and its gates with their numbers.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate every step's gates now (nothing is changed) and list promotions and holds in force.")

        @Option(name: .customLong("stale-after-hours"), help: "A host is connected when it reported this recently.")
        var staleAfterHours = 24
        @OptionGroup var remote: AdminServerOptions
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            if let remote = try remote.client() {
                // The server measures with its own stale threshold (one day).
                guard staleAfterHours == 24 else {
                    throw ValidationError("--stale-after-hours is not used with --server: the server measures")
                }
                let status = try await remote.rolloutStatus()
                if status.steps.isEmpty {
                    print("no rollout plan in the policy in force (add a rollout: section to the policy files)")
                }
                for step in status.steps {
                    print("\(step.group) → ring \(step.targetRing)  (now ring \(step.ring)): \(step.summary ?? "")")
                    for gate in step.gates {
                        print(
                            "  " + RolloutGates.Result(gate: gate.gate, passed: gate.passed, detail: gate.detail).line)
                    }
                }
                return
            }
            let staleAfter = TimeInterval(staleAfterHours) * 3_600
            let status = try await withPostgres(try database.configuration()) { client in
                try await RolloutRound(client: client, staleAfter: staleAfter).status(measureAll: true)
            }
            guard let (_, bundle, steps) = status else {
                print("no rollout plan in the policy in force (add a rollout: section to the policy files)")
                return
            }
            for status in steps {
                print("\(status.step.name)  (now ring \(status.ring.number)): \(status.decision.summary)")
                for result in status.results { print("  " + result.line) }
            }
            for promotion in bundle.promotions.sorted(by: { $0.at < $1.at }) {
                print(
                    "promoted: \(promotion.group) to ring \(promotion.ring.number) on \(promotion.at.formatted(.iso8601)) by \(promotion.actor)"
                )
            }
            for hold in bundle.adjustments where hold.kind == .hold {
                print(
                    "hold \(hold.id): \(hold.pack)/\(hold.rule) at \(hold.level.rawValue) for \(hold.group ?? "") since \((hold.validFrom ?? Date()).formatted(.iso8601)) — \(hold.reason)"
                )
            }
        }
    }

    /// `rollout run`: one round now, as `serve` does every interval.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Carry out the plan once now: promote due steps whose gates hold, hold the others, hold noisy rules.")

        @Option(name: .customLong("stale-after-hours"), help: "A host is connected when it reported this recently.")
        var staleAfterHours = 24
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let staleAfter = TimeInterval(staleAfterHours) * 3_600
            let outcome = try await withPostgres(try database.configuration()) { client in
                try await RolloutRound(client: client, staleAfter: staleAfter).run()
            }
            for line in outcome.promoted { print("promoted: \(line)") }
            for line in outcome.held { print("held: \(line)") }
            for line in outcome.rulesHeld { print("rule held: \(line)") }
            if outcome.isEmpty { print("nothing to do") }
        }
    }

    /// `rollout history`: what the rollout did, newest first, with the gates' numbers.
    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "What the rollout did, newest first.")

        @Option(help: "Only this group.") var group: String?
        @Option(help: "How many.") var limit = 50
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (group, limit) = (group, limit)
            let events = try await withPostgres(try database.configuration()) { client in
                try await RolloutStore(client: client).events(limit: limit, group: group)
            }
            if events.isEmpty { print("no rollout events") }
            for event in events {
                print(
                    "\(event.at.formatted(.iso8601))  \(event.actor)  \(event.headline)"
                        + (event.revision.map { "  (revision \($0))" } ?? ""))
                for line in event.detail.split(separator: "\n") { print("  \(line)") }
            }
        }
    }

    /// `rollout release HOLD`: the rule applies at its level again for the group.
    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Release a rule's hold: a new revision without it, recorded with you as actor.")

        @Argument(help: "The hold's id (rollout status lists them).") var hold: String
        @Option(help: "Why, for the history.") var comment: String?
        @OptionGroup var actor: ActorOption
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (hold, comment, actor) = (hold, comment, actor.name)
            let revision = try await withPostgres(try database.configuration()) { client in
                try await RolloutStore(client: client).release(holdID: hold, actor: actor, comment: comment)
            }
            print("released \(hold): revision \(revision)")
        }
    }

    /// `rollout demote GROUP`: undo a promotion.
    struct Demote: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Undo a group's promotion (postpone or remove its step first, or the next round promotes it again).")

        @Argument(help: "The directory group.") var group: String
        @Option(help: "Why, for the history.") var comment: String?
        @OptionGroup var actor: ActorOption
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let (group, comment, actor) = (group, comment, actor.name)
            let revision = try await withPostgres(try database.configuration()) { client in
                try await RolloutStore(client: client).demote(group: group, actor: actor, comment: comment)
            }
            print("demoted \(group): revision \(revision)")
        }
    }
}
