import ArgumentParser
import Foundation
import RingfenceCore
import RingfenceServer
import RingfenceStore

/// `ringfence events`: the tamper evidence of audit events — seal the past days now, and
/// check every seal against the events in PostgreSQL (docs/reliability.md, "Tamper evidence").
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Seal audit events, check the seals (tamper evidence), and replay an event's decision.",
        subcommands: [Seal.self, Verify.self, Explain.self]
    )

    /// `events seal`: what `serve` does every hour.
    struct Seal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seal each host's events of every full UTC day not sealed yet (or with events received since).")

        @Option(help: "How many past days to look at.") var days = 8
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let days = days
            let sealed = try await withPostgres(try database.configuration()) { client in
                let signer = try await PolicySigner.load(from: SigningKeyStore(client: client))
                return try await EventSealStore(client: client).sealDue(key: signer.signingKey, days: days)
            }
            print("sealed \(sealed) host-day(s)")
        }
    }

    /// `events verify`: every latest seal recomputed; exits 1 when one does not hold.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Check the seals of the last days against the events; exit 1 if any event was changed, removed or inserted."
        )

        @Option(help: "How many past days to check.") var days = 7
        @Option(help: "Only this host (its id).") var host: String?
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let days = days
            var hostID: UUID?
            if let host {
                guard let id = UUID(uuidString: host) else { throw ValidationError("--host: not a host id: \(host)") }
                hostID = id
            }
            let only = hostID
            let checks = try await withPostgres(try database.configuration()) { client in
                let signer = try await PolicySigner.load(from: SigningKeyStore(client: client))
                return try await EventSealStore(client: client).verify(
                    trustedKey: signer.publicKey, days: days, host: only)
            }
            var broken = 0
            for check in checks {
                let what: String
                switch check.finding {
                case .intact: what = "intact"
                case .badSignature: what = "BAD SIGNATURE (not signed by this server's key)"
                case .countChanged(let sealed, let now): what = "CHANGED: \(sealed) events sealed, \(now) now"
                case .contentChanged: what = "CHANGED: as many events as sealed, but not the same"
                }
                if check.finding != .intact { broken += 1 }
                let late = check.unsealed > 0 ? "; \(check.unsealed) received after the seal (late, or inserted)" : ""
                print(
                    "\(check.day)  host \(check.hostID.uuidString.lowercased())  seal v\(check.version): \(what)\(late)"
                )
            }
            print("\(checks.count) seal(s) checked, \(broken) not holding")
            if broken > 0 { throw ExitCode.failure }
        }
    }
}
