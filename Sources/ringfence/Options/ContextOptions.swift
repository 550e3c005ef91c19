import ArgumentParser
import Foundation
import RingfenceCore

/// The flags that describe a decision context: `--user --host --groups --host-ring --repo --trust --agent --surface`.
///
/// Groups, roles, ring, tags and trust given as flags are a what-if; without them they come
/// from the database as FetchPolicy takes them (see ``PolicySource/context(_:)``).
struct ContextOptions: ParsableArguments {
    @Option(help: "Directory user name.")
    var user: String = ""

    @Option(help: "Enrolled host id: its ring and tags, and the check that the user is bound to it.")
    var host: String?

    @Option(
        help:
            "The user's groups, nested ones included (comma-separated or repeated; default: from the directory mirror)."
    )
    var groups: [String] = []

    @Option(help: "The user's roles (comma-separated or repeated).")
    var roles: [String] = []

    @Option(name: .customLong("host-ring"), help: "The host's own ring, 1-4 (omit to use group mappings).")
    var hostRing: Int?

    @Option(name: .customLong("host-tags"), help: "Host tags (comma-separated or repeated).")
    var hostTags: [String] = []

    @Option(help: "Repository slug, e.g. payments/api.")
    var repo: String?

    @Option(
        help:
            "Repository trust, as a what-if: sandbox, internal, production or unmanaged (default: from the policy's repositories.yaml)."
    )
    var trust: String?

    @Option(help: "Agent kind, e.g. claude-code.")
    var agent: String = ""

    @Option(name: .customLong("surface"), help: "Surface to resolve (repeatable; default all).")
    var surfaces: [String] = []

    @Option(help: "Moment to resolve at, e.g. 2026-11-20T10:00:00Z or with milliseconds (default now).")
    var at: String?

    func validate() throws {
        _ = try context()
        _ = try hostID()
    }

    /// The host of `--host`, nil without it.
    func hostID() throws -> UUID? {
        try host.map(KeysCommand.hostID)
    }

    /// Whether the flags leave the user's groups and roles to the directory mirror.
    var groupsFromDirectory: Bool { groups.isEmpty && roles.isEmpty && !user.isEmpty }

    /// The context the flags describe.
    func context() throws -> DecisionContext {
        var ring: Ring?
        if let hostRing {
            guard let value = Ring(number: hostRing) else {
                throw ValidationError("--host-ring must be 1, 2, 3 or 4, got \(hostRing)")
            }
            ring = value
        }
        var repoTrust: RepoTrust?
        if let trust {
            guard let value = RepoTrust(rawValue: trust) else {
                throw ValidationError(
                    "--trust must be one of \(RepoTrust.allCases.map(\.rawValue).joined(separator: ", ")), got '\(trust)'"
                )
            }
            repoTrust = value
        }
        let surfaceList = try Self.split(surfaces).map { name in
            guard let surface = Surface(rawValue: name) else {
                throw ValidationError("--surface '\(name)' is not a surface name (e.g. risky_shell)")
            }
            return surface
        }
        var moment = Date()
        if let at {
            let fractional = ISO8601DateFormatter()
            fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            guard let date = ISO8601DateFormatter().date(from: at) ?? fractional.date(from: at) else {
                throw ValidationError(
                    "--at must look like 2026-11-20T10:00:00Z or 2026-11-20T10:00:00.250Z, got '\(at)'")
            }
            moment = date
        }
        return DecisionContext(
            user: user, groups: Self.split(groups), roles: Self.split(roles), hostRing: ring,
            hostTags: Self.split(hostTags), repo: repo, trust: repoTrust, agent: agent,
            surfaces: surfaceList, at: moment)
    }

    static func split(_ values: [String]) -> [String] {
        values.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter {
            !$0.isEmpty
        }
    }
}

/// Output format of commands that print a resolution.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}
