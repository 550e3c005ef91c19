import ArgumentParser
import Foundation
import RingfenceCore
import RingfenceServer
import RingfenceStore

extension EventsCommand {
    /// `events explain EVENT`: the decision of a stored event replayed from its revision
    /// and the directory of its moment (docs/reliability.md, "Replaying a decision").
    struct Explain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Replay a stored event's decision from its revision and the directory at that moment; exit 1 if it does not reproduce."
        )

        @Argument(help: "The event id, as the agent sent it.") var event: String
        @Option(help: "The host's id (faster: without it every weekly partition is searched).") var host: String?
        @Flag(help: "Also print the replayed resolution with the trace of every assignment that matched.")
        var trace = false
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let hostID = try host.map(KeysCommand.hostID)
            let eventID = event
            let explanations = try await withPostgres(try database.configuration()) { client in
                try await EventExplainer(
                    events: EventStore(client: client), policy: PolicyStore(client: client),
                    resolutions: ResolutionStore(client: client), fleet: FleetStore(client: client),
                    directory: DirectoryStore(client: client)
                ).explain(eventID: eventID, hostID: hostID)
            }
            var differing = 0
            for explanation in explanations {
                print(Self.text(explanation, trace: trace))
                if case .differs = explanation.replay.outcome { differing += 1 }
            }
            if differing > 0 {
                print("\(differing) of \(explanations.count) decision(s) not reproduced")
                throw ExitCode.failure
            }
        }

        static func text(_ explanation: EventExplainer.Explanation, trace: Bool) -> String {
            let event = explanation.event.event
            func time(_ date: Date) -> String { date.formatted(.iso8601) }
            let place = event.repo.isEmpty ? "outside repositories" : "in \(event.repo)"
            let rule =
                event.ruleID.isEmpty
                ? "no rule matched"
                : "\(event.pack)/\(event.ruleID) at \(event.appliedLevel.rawValue) (uncapped \(event.uncappedLevel.rawValue))"
            var lines = [
                "event \(event.eventID) on host \(event.hostID.uuidString.lowercased()) at \(time(event.occurredAt)) (received \(time(explanation.event.receivedAt)))",
                "  \(event.user) · \(event.agentKind) · \(event.surface.rawValue) · \(place): \(event.verdict.rawValue), \(rule)"
                    + (event.summary.isEmpty ? "" : " — \(event.summary)"),
            ]
            let revision = explanation.revision
            lines.append(
                "  revision \(revision.number) (\(explanation.revisionNamedByEvent ? "named by the event" : "in force then; the event names none")), published by \(revision.createdBy) at \(time(revision.createdAt))"
                    + (revision.comment.map { ": \($0)" } ?? ""))
            if event.policyETag.isEmpty {
                lines.append("  the agent held no usable policy: its fail mode decided")
            } else if let served = explanation.served {
                let servedPlace = served.repo.isEmpty ? "outside repositories" : "in \(served.repo)"
                lines.append(
                    "  the host held etag \(event.policyETag): resolution \(served.id.uuidString.lowercased()) served at \(time(served.at)) for \(served.agentKind.isEmpty ? "any agent" : served.agentKind) \(servedPlace), ring \(served.ring)"
                )
            } else {
                lines.append("  the host held etag \(event.policyETag) (no stored resolution served it)")
            }
            let context = explanation.replayed.context
            func list(_ names: [String]) -> String { names.isEmpty ? "none" : names.joined(separator: ", ") }
            lines.append(
                "  directory then: \(explanation.userKnown ? "" : "user unknown; ")groups \(list(context.groups)); roles \(list(context.roles)); host ring \(context.hostRing.map { "\($0.number)" } ?? "from groups"), tags \(list(context.hostTags)) → ring \(explanation.replayed.ring.number) (\(explanation.replayed.ringSource))"
            )
            switch explanation.replay.outcome {
            case .reproduced:
                let rule = explanation.replay.rule.map {
                    "; \($0.pack)/\($0.rule.id) at \($0.level.rawValue), uncapped \($0.uncappedLevel.rawValue), from assignment \($0.assignment)"
                }
                lines.append("  replayed: REPRODUCED (etag \(explanation.replayed.etag)\(rule ?? ""))")
            case .withoutPolicy:
                lines.append("  replayed: nothing to replay (decided without a policy)")
            case .differs(let reasons):
                lines.append("  replayed: DIFFERS")
                lines += reasons.map { "    - \($0)" }
            }
            if let today = explanation.today {
                lines.append(
                    "  today (revision \(today.revision), directory now): "
                        + (explanation.todayChange.map { "would decide differently: \($0)" } ?? "the same"))
            } else if let change = explanation.todayChange {
                lines.append("  today: \(change)")
            }
            if trace {
                lines.append("")
                lines.append(explanation.replayed.explanation(includeTrace: true, matchedOnly: true))
            }
            return lines.joined(separator: "\n")
        }
    }
}
