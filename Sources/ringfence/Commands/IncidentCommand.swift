import ArgumentParser
import Foundation
import RingfenceCore
import RingfenceServer
import RingfenceStore

/// `ringfence incident`: bundles of evidence about one user or host over a window, and
/// their offline check (docs/reliability.md, "Incident bundles").
struct IncidentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incident",
        abstract: "Export the evidence about a user or a host over a window, and verify such a bundle offline.",
        subcommands: [Export.self, Verify.self]
    )

    /// `incident export`.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Write the events, replayed decisions, traces, revisions, directory and host history and exceptions of a user or host, with a signed manifest."
        )

        @Option(help: "The user (directory user name).") var user: String?
        @Option(help: "The host (its id).") var host: String?
        @Option(help: "Start of the window, e.g. 2026-11-17T00:00:00Z.") var from: String
        @Option(help: "End of the window (excluded; default now).") var to: String?
        @Option(help: "Folder to create; it must not exist or be empty.") var out: String
        @OptionGroup var actor: ActorOption
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            if user == nil && host == nil { throw ValidationError("give --user, --host, or both") }
            _ = try scope()
        }

        func scope() throws -> IncidentBundle.Scope {
            func moment(_ text: String, _ flag: String) throws -> Date {
                guard let date = try? Date(text, strategy: .iso8601) else {
                    throw ValidationError("\(flag) must look like 2026-11-17T00:00:00Z, got '\(text)'")
                }
                return date
            }
            let start = try moment(from, "--from")
            let end = try to.map { try moment($0, "--to") } ?? Date()
            guard start < end else { throw ValidationError("--from must be before --to") }
            return IncidentBundle.Scope(user: user, host: try host.map(KeysCommand.hostID), from: start, to: end)
        }

        func run() async throws {
            let folder = URL(fileURLWithPath: out)
            let existing = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            guard existing.isEmpty else { throw ValidationError("--out \(out) is not empty") }
            let scope = try scope()
            let by = actor.name
            let files = try await withPostgres(try database.configuration()) { client in
                let signer = try await PolicySigner.load(from: SigningKeyStore(client: client))
                return try await IncidentExporter(
                    incidents: IncidentStore(client: client), seals: EventSealStore(client: client),
                    resolutions: ResolutionStore(client: client), directory: DirectoryStore(client: client),
                    explainer: EventExplainer(
                        events: EventStore(client: client), policy: PolicyStore(client: client),
                        resolutions: ResolutionStore(client: client), fleet: FleetStore(client: client),
                        directory: DirectoryStore(client: client))
                ).export(scope: scope, createdBy: by, key: signer.signingKey)
            }
            for (name, bytes) in files {
                let url = folder.appendingPathComponent(name)
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(bytes).write(to: url)
            }
            let report = IncidentBundle.check(files: files, trustedKey: nil)
            print(
                "wrote \(files.count) files to \(out): \(report.events) events (\(report.provenEvents) with a seal proof), \(report.seals) seals"
            )
            for note in report.notes { print("note: \(note)") }
            for problem in report.problems { print("PROBLEM: \(problem)") }
            if !report.holds { throw ExitCode.failure }
        }
    }

    /// `incident verify`: needs no database.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Check a bundle offline: manifest signature, every file's SHA-256, every seal and every event's proof; exit 1 on any problem."
        )

        @Argument(help: "The bundle's folder.") var folder: String
        @Option(
            name: .customLong("public-key"),
            help: "The servers' Ed25519 public key in hex, to trust instead of the one the manifest names.")
        var publicKey: String?

        func run() throws {
            var trusted: [UInt8]?
            if let publicKey {
                guard let key = [UInt8](hex: publicKey), key.count == 32 else {
                    throw ValidationError("--public-key: 64 hexadecimal digits expected")
                }
                trusted = key
            }
            let root = URL(fileURLWithPath: folder).standardizedFileURL
            guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
            else { throw ValidationError("\(folder) is not a folder") }
            var files: [String: [UInt8]] = [:]
            for case let url as URL in walker
            where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                let name = String(url.standardizedFileURL.path.dropFirst(root.path.count + 1))
                files[name] = Array(try Data(contentsOf: url))
            }
            let report = IncidentBundle.check(files: files, trustedKey: trusted)
            for problem in report.problems { print("PROBLEM: \(problem)") }
            for note in report.notes { print("note: \(note)") }
            print(
                "\(report.events) events, \(report.provenEvents) proven by \(report.seals) seals, \(files.count) files: "
                    + (report.holds ? "the bundle holds" : "\(report.problems.count) problem(s)"))
            if !report.holds { throw ExitCode.failure }
        }
    }
}
